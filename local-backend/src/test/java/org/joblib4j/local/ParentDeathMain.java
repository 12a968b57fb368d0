package org.joblib4j.local;

/**
 * A parent JVM for {@link ProcessesLifecycleTest}: starts two workers, prints their process ids and
 * waits to be killed.
 */
final class ParentDeathMain {
  private ParentDeathMain() {}

  public static void main(String[] args) throws InterruptedException {
    WorkerPool pool = WorkerPool.shared();
    pool.resize(2);
    StringBuilder pids = new StringBuilder("pids");
    for (Process p : pool.processes()) {
      pids.append(' ').append(p.pid());
    }
    System.out.println(pids);
    System.out.flush();
    Thread.sleep(120_000);
  }
}
