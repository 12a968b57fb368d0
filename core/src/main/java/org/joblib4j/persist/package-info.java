/**
 * The joblib4j file format behind {@link org.joblib4j.Joblib#dump} and {@link
 * org.joblib4j.Joblib#load}: {@link org.joblib4j.persist.Compression}, {@link
 * org.joblib4j.persist.LoadOptions} and the entry points in {@link
 * org.joblib4j.persist.Persistence}.
 *
 * <h2>Format, version 1</h2>
 *
 * <p>All integers are little-endian; checksums are CRC-32C.
 *
 * <pre>
 * file    = header body
 * header  = magic(8: 93 'J' 'L' '4' 'J' 0D 0A 1A) version(u8 = 1) codec(u8) level(u8) flags(u8)
 *           crc(u32, of the 12 bytes before)
 * body    = frame* end-frame, compressed with the codec unless it is NONE
 * frame   = kind(u8) element(u8) padding(u16) length(u64) crc(u32, of the 12 bytes before)
 *           padding zero bytes, payload(length bytes), payload-crc(u32)
 * </pre>
 *
 * <p>Kind {@code 'G'} frames carry the object graph written with Kryo (at most 1 MiB each); kind
 * {@code 'A'} frames carry the raw little-endian contents of one large primitive array or {@code
 * java.nio} buffer, with the padding chosen so that the payload starts at a file offset that is a
 * multiple of 64; kind {@code 'E'} ends the body. The graph refers to array frames by position: a
 * large array in the graph is a marker that ends its graph frame and is followed by the array's
 * frame. A graph frame may be empty, and an array frame's padding may be longer than the least that
 * aligns its payload (up to 63 bytes): the first uncompressed dump of a JVM writes its large arrays
 * at offsets chosen before the graph is encoded, and fills the space left before each with empty
 * graph frames. A file that was compressed as a whole afterwards (with {@code gzip}, {@code zstd},
 * {@code xz}, {@code lz4} or zlib) is recognised by the codec's magic bytes and read through it.
 * Every length is checked against what the file can still hold before anything is allocated, and
 * every frame header and payload is checked against its checksum before its contents are used.
 */
@NullMarked
package org.joblib4j.persist;

import org.jspecify.annotations.NullMarked;
