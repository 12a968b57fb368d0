package org.joblib4j;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a file given to {@link Joblib#load} is not a complete, intact joblib4j dump: it is
 * truncated, a checksum does not match, a length field is larger than the file can hold, or it is
 * not a joblib4j file at all. The message names the file, the byte offset and the block.
 *
 * <p>Such a file never yields a value: delete it and dump the value again.
 */
public class CorruptFileException extends JoblibException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long offset;

  /**
   * Creates an exception for {@code source} (a path, URI or {@code "stream"}) at {@code offset}
   * ({@code -1} when unknown), saying what was wrong.
   */
  public CorruptFileException(
      String source, long offset, String problem, @Nullable Throwable cause) {
    super(message(source, offset, problem), cause);
    this.source = source;
    this.offset = offset;
  }

  /** Returns the file, URI or stream description the exception is about. */
  public String source() {
    return source;
  }

  /** Returns the byte offset where the problem was found, or {@code -1} when unknown. */
  public long offset() {
    return offset;
  }

  private static String message(String source, long offset, String problem) {
    String where = offset >= 0 ? String.format(Locale.ROOT, " at byte %d", offset) : "";
    return String.format(
        Locale.ROOT,
        "Corrupt joblib4j file %s%s: %s. The file was truncated or changed after it was written;"
            + " delete it and dump the value again.",
        source,
        where,
        problem);
  }
}
