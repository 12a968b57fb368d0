package org.joblib4j.local;

import java.util.EnumSet;
import java.util.Set;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.ParallelBackend;

/**
 * The {@code processes} backend (aliases {@code loky} and {@code multiprocessing}): batches run in
 * a reusable pool of worker JVMs, joblib's loky for the JVM. Each worker has its own heap and
 * statics, so what a task changes there is not seen by the caller.
 *
 * <p>Workers are started with the caller's {@code java} ({@code java.home}), class path, module
 * options ({@code --add-opens}, {@code --add-exports}, {@code --add-modules}, {@code --add-reads},
 * {@code -XX:+IgnoreUnrecognizedVMOptions}) and {@code -Djoblib4j.*} system properties. One pool
 * serves the whole JVM: it is kept across calls and sessions, grown or shrunk to each call's {@code
 * nJobs}, and ended when the caller's JVM exits. Tasks and results travel as length-prefixed frames
 * over a Unix-domain socket that each worker connects to at start-up, in a folder only the caller's
 * user can open (mode 0700 on POSIX systems); no network port is opened, and nothing a task writes
 * or reads can reach the frames. What tasks print with {@code System.out} or {@code System.err}
 * reaches the caller's {@code System.err}; what reaches a worker's standard output by other routes
 * (native code, a child process that inherits it) reaches the caller's {@code System.out}. Each
 * line is prefixed with {@code [worker N]}. A worker's standard input is empty. The socket folder
 * is made under {@code java.io.tmpdir} ({@code /tmp} when that path is too long for a socket) and
 * removed when the pool ends. A worker that dies mid-task fails the call with {@link
 * org.joblib4j.WorkerCrashedException} and is replaced. Arguments larger than {@code maxNbytes} are
 * written once per call to a private folder under {@code tempFolder} and read once per worker.
 *
 * <p>System properties, read when a worker starts:
 *
 * <ul>
 *   <li>{@code joblib4j.processes.heap}: the workers' maximum heap, such as {@code 2g} (their
 *       {@code -Xmx}); the JVM's default when unset.
 *   <li>{@code joblib4j.processes.jvmOptions}: JVM options for workers, separated by spaces; {@code
 *       -XX:+UseSerialGC} when unset. Workers always get {@code -XX:+ExitOnOutOfMemoryError}.
 *   <li>{@code joblib4j.processes.idleTimeout}: how long an idle worker lives, in seconds ({@code
 *       300}), with a unit ({@code 500ms}, {@code 10s}) or in ISO-8601 ({@code PT5M}); 300 s when
 *       unset. Read when the pool is first used.
 * </ul>
 *
 * <p>This class is thread-safe.
 */
public final class ProcessesBackendFactory implements BackendFactory {
  /** Creates the factory; does no work. */
  public ProcessesBackendFactory() {}

  @Override
  public String name() {
    return "processes";
  }

  @Override
  public Set<String> aliases() {
    return Set.of("loky", "multiprocessing");
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.TIMEOUT, Capability.CANCELLATION, Capability.REMOTE);
  }

  @Override
  public ParallelBackend create(BackendOptions options) {
    return new ProcessesBackend(options, WorkerPool.shared());
  }
}
