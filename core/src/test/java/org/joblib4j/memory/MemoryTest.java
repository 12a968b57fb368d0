package org.joblib4j.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.MmapMode;
import org.joblib4j.Parallel;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.SerializableFunction;
import org.joblib4j.SerializableSupplier;
import org.joblib4j.persist.Compression;
import org.joblib4j.spi.Serializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryTest {
  static final AtomicInteger calls = new AtomicInteger();

  @TempDir Path dir;

  @BeforeEach
  void resetCalls() {
    calls.set(0);
  }

  static double[][] square(double[][] a) {
    calls.incrementAndGet();
    double[][] r = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      r[i] = new double[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        r[i][j] = a[i][j] * a[i][j];
      }
    }
    return r;
  }

  static int plusOne(int x) {
    calls.incrementAndGet();
    return x + 1;
  }

  static String label(int x, String comment) {
    calls.incrementAndGet();
    return "x=" + x;
  }

  static int fail(int x) {
    calls.incrementAndGet();
    throw new IllegalStateException("no result for " + x);
  }

  @Test
  void cache_secondCallWithSameArgument_readsFromDiskWithoutCalling() {
    Memory memory = new Memory(dir).verbose(0);
    SerializableFunction<double[][], double[][]> square = memory.cache(MemoryTest::square);
    double[][] a = {{1, 2}, {3, 4}};

    double[][] b = square.apply(a);
    double[][] c = square.apply(a);

    assertThat(calls).hasValue(1);
    assertThat(b).isDeepEqualTo(new double[][] {{1, 4}, {9, 16}});
    assertThat(c).isDeepEqualTo(b).isNotSameAs(b);
    // A new program on the same folder reads the same result.
    SerializableFunction<double[][], double[][]> again =
        new Memory(dir).verbose(0).cache(MemoryTest::square);
    assertThat(again.apply(new double[][] {{1, 2}, {3, 4}})).isDeepEqualTo(b);
    assertThat(calls).hasValue(1);
    // The same folder as a file: URI.
    assertThat(new Memory(dir.toUri()).verbose(0).cache(MemoryTest::square).apply(a))
        .isDeepEqualTo(b);
    assertThat(calls).hasValue(1);
    assertThat(square.apply(new double[][] {{5}})).isDeepEqualTo(new double[][] {{25}});
    assertThat(calls).hasValue(2);
  }

  @Test
  void cache_verbose_logsJoblibLines() {
    String text;
    String hit;
    try (Stderr err = new Stderr()) {
      SerializableFunction<double[][], double[][]> square =
          new Memory(dir).cache(MemoryTest::square);
      square.apply(new double[][] {{1, 2}});
      square.apply(new double[][] {{1, 2}});
      text = err.text();
    }
    try (Stderr err = new Stderr()) {
      new Memory(dir).verbose(5).cache(MemoryTest::square).apply(new double[][] {{1, 2}});
      hit = err.text();
    }

    assertThat(text)
        .contains(
            "_".repeat(80)
                + "\n[Memory] Calling org.joblib4j.memory.MemoryTest.square...\n"
                + "square(double[][1]{[...]})\n")
        .containsPattern("(?m)^_{59,}square - \\d+\\.\\ds, \\d+\\.\\dmin$");
    assertThat(text.split("\\[Memory\\] Calling", -1)).hasSize(2);
    assertThat(hit)
        .containsPattern("(?m)^\\[Memory\\]\\d+\\.\\ds, \\d+\\.\\dmin *: Loading square\\.\\.\\.$")
        .containsPattern("(?m)^_+square cache loaded - \\d+\\.\\ds, \\d+\\.\\dmin$")
        .doesNotContain("Calling");
  }

  @Test
  void cache_layout_isJoblibsWithOutputMetadataAndCodeHash() throws IOException {
    Memory memory = new Memory(dir).verbose(0);
    memory.cache(MemoryTest::plusOne).apply(41);

    assertThat(Files.readString(dir.resolve(".gitignore")))
        .isEqualTo("# Created by joblib4j automatically.\n*\n");
    Path function = dir.resolve("joblib4j").resolve("org.joblib4j.memory.MemoryTest.plusOne");
    assertThat(Files.readString(function.resolve("func_code.txt")))
        .contains("class: org.joblib4j.memory.MemoryTest")
        .contains("method: plusOne(I)I")
        .containsPattern("code hash: [0-9a-f]{32}");
    List<Path> items;
    try (Stream<Path> s = Files.list(function)) {
      items = s.filter(Files::isDirectory).toList();
    }
    assertThat(items).hasSize(1);
    assertThat(items.get(0).getFileName().toString()).matches("[0-9a-f]{32}");
    try (Stream<Path> s = Files.list(items.get(0))) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("output", "metadata.json");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata =
        new ObjectMapper().readValue(items.get(0).resolve("metadata.json").toFile(), Map.class);
    assertThat(metadata.keySet()).contains("duration", "time", "input_args", "size", "last_access");
    assertThat(metadata.get("input_args")).isEqualTo(Map.of("arg0", "41"));
    assertThat(((Number) metadata.get("size")).longValue())
        .isEqualTo(Files.size(items.get(0).resolve("output")));
    assertThat(((Number) metadata.get("time")).doubleValue())
        .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60.0));
  }

  @Test
  void cacheOptions_ignoredPosition_callsDifferingThereShareResult() {
    SerializableBiFunction<Integer, String, String> label =
        new Memory(dir).verbose(0).cacheOptions().ignore(1).cache(MemoryTest::label);

    assertThat(label.apply(2, "first")).isEqualTo("x=2");
    assertThat(label.apply(2, "second")).isEqualTo("x=2");
    assertThat(calls).hasValue(1);
    assertThat(label.apply(3, "first")).isEqualTo("x=3");
    assertThat(calls).hasValue(2);
    assertThatThrownBy(() -> new Memory(dir).cacheOptions().ignore(2).cache(MemoryTest::label))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot ignore argument 2 of a function of 2 arguments");
  }

  @Test
  void cacheOptions_expiresAfter_servesFreshResultsOnly() {
    Memory memory = new Memory(dir).verbose(0);
    SerializableFunction<Integer, Integer> fresh =
        memory
            .cacheOptions()
            .cacheValidation(CacheValidation.expiresAfter(Duration.ofHours(1)))
            .cache(MemoryTest::plusOne);
    SerializableFunction<Integer, Integer> expired =
        memory
            .cacheOptions()
            .cacheValidation(CacheValidation.expiresAfter(Duration.ZERO))
            .cache(MemoryTest::plusOne);

    fresh.apply(1);
    fresh.apply(1);
    assertThat(calls).hasValue(1);
    expired.apply(1);
    expired.apply(1);
    assertThat(calls).hasValue(3);
    fresh.apply(1);
    assertThat(calls).hasValue(3);
    assertThat(memory.memorize(MemoryTest::plusOne).checkCallInCache(1)).isTrue();
    assertThat(
            memory
                .cacheOptions()
                .cacheValidation(CacheValidation.expiresAfter(Duration.ZERO))
                .memorize(MemoryTest::plusOne)
                .checkCallInCache(1))
        .isFalse();
  }

  @Test
  void cache_capturedValues_arePartOfTheKey() {
    Memory memory = new Memory(dir).verbose(0);
    int[] seen = new int[1];
    SerializableSupplier<Integer> two = supplierOf(2, seen);

    assertThat(memory.cache(two).get()).isEqualTo(4);
    assertThat(memory.cache(supplierOf(2, new int[1])).get()).isEqualTo(4);
    assertThat(memory.cache(supplierOf(3, new int[1])).get()).isEqualTo(9);
    assertThat(calls).hasValue(2);
  }

  private static SerializableSupplier<Integer> supplierOf(int k, int[] unused) {
    return () -> {
      calls.incrementAndGet();
      return k * k;
    };
  }

  @Test
  void cache_functionThrows_exceptionPropagatesAndIsNotCached() {
    SerializableFunction<Integer, Integer> failing =
        new Memory(dir).verbose(0).cache(MemoryTest::fail);

    assertThatThrownBy(() -> failing.apply(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no result for 1");
    assertThatThrownBy(() -> failing.apply(1)).isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(2);
  }

  @Test
  void cache_flippedBytesInOutput_recomputesWithWarning() throws IOException {
    Memory memory = new Memory(dir).verbose(0);
    SerializableFunction<double[][], double[][]> square = memory.cache(MemoryTest::square);
    double[][] a = {IntStream.range(0, 1000).asDoubleStream().toArray()};
    double[][] expected = square.apply(a);
    Path output = outputs(dir).get(0);
    byte[] bytes = Files.readAllBytes(output);
    for (int i = bytes.length / 3; i < bytes.length / 3 + 8; i++) {
      bytes[i] ^= (byte) 0x5a;
    }
    Files.write(output, bytes);

    String warnings;
    try (Stderr err = new Stderr()) {
      assertThat(square.apply(a)).isDeepEqualTo(expected);
      warnings = err.text();
    }
    assertThat(calls).hasValue(2);
    assertThat(warnings).contains("Exception while loading results for square(");
    assertThat(square.apply(a)).isDeepEqualTo(expected);
    assertThat(calls).hasValue(2);

    Files.write(output, java.util.Arrays.copyOf(bytes, 10));
    try (Stderr err = new Stderr()) {
      assertThat(square.apply(a)).isDeepEqualTo(expected);
    }
    assertThat(calls).hasValue(3);
  }

  @Test
  void cache_unwritableLocation_returnsResultWithWarning() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
    SerializableFunction<Integer, Integer> plusOne =
        new Memory(file.resolve("cache")).verbose(0).cache(MemoryTest::plusOne);

    String warnings;
    try (Stderr err = new Stderr()) {
      assertThat(plusOne.apply(1)).isEqualTo(2);
      assertThat(plusOne.apply(1)).isEqualTo(2);
      warnings = err.text();
    }
    assertThat(warnings).contains("Unable to cache to disk: the result of plusOne(1) is returned");
    assertThat(calls).hasValue(2);
  }

  @Test
  void memorize_callAndShelve_returnsReferenceReadableUntilCleared() {
    MemorizedFunction<Integer> plusOne = new Memory(dir).verbose(0).memorize(MemoryTest::plusOne);

    MemorizedResult<Integer> result = plusOne.callAndShelve(1);
    MemorizedResult<Integer> again = plusOne.callAndShelve(1);

    assertThat(calls).hasValue(1);
    assertThat(result.get()).isEqualTo(2);
    assertThat(again.argumentHash()).isEqualTo(result.argumentHash()).matches("[0-9a-f]{32}");
    assertThat(result.metadata())
        .hasValueSatisfying(m -> assertThat(m.inputArgs()).containsEntry("arg0", "1"));
    assertThat(result.toString()).startsWith("MemorizedResult(location=\"file:");
    result.clear();
    assertThatThrownBy(again::get)
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("may have been cleared");
    assertThat(plusOne.checkCallInCache(1)).isFalse();
  }

  @Test
  void memorize_callAndClear_forceRecomputeAndDropFunctionResults() {
    Memory memory = new Memory(dir).verbose(0);
    MemorizedFunction<Integer> plusOne = memory.memorize(MemoryTest::plusOne);

    assertThat(plusOne.checkCallInCache(1)).isFalse();
    assertThat(plusOne.apply(1)).isEqualTo(2);
    assertThat(plusOne.checkCallInCache(1)).isTrue();
    assertThat(plusOne.call(1)).isEqualTo(2);
    assertThat(calls).hasValue(2);
    plusOne.apply(2);
    plusOne.clear();
    assertThat(plusOne.checkCallInCache(1)).isFalse();
    assertThat(plusOne.checkCallInCache(2)).isFalse();
    assertThat(dir.resolve("joblib4j/org.joblib4j.memory.MemoryTest.plusOne/func_code.txt"))
        .exists();
    plusOne.apply(1);
    memory.clear();
    assertThat(plusOne.checkCallInCache(1)).isFalse();
    assertThat(dir.resolve(".gitignore")).exists();
  }

  @Test
  void memory_nullLocation_callsFunctionDirectly() {
    Memory memory = new Memory((Path) null);
    SerializableFunction<Integer, Integer> f = MemoryTest::plusOne;

    assertThat(memory.cache(f)).isSameAs(f);
    MemorizedFunction<Integer> mf = memory.memorize(f);
    assertThat(mf.apply(1)).isEqualTo(2);
    assertThat(mf.apply(1)).isEqualTo(2);
    assertThat(mf.checkCallInCache(1)).isFalse();
    MemorizedResult<Integer> shelved = mf.callAndShelve(1);
    assertThat(shelved.get()).isEqualTo(2);
    shelved.clear();
    assertThatThrownBy(shelved::get).isInstanceOf(NoSuchElementException.class);
    assertThat(calls).hasValue(3);
    assertThat(memory.location()).isEmpty();
  }

  @Test
  void reduceSize_itemsLimit_evictsLeastRecentlyUsed() throws IOException {
    Memory memory = new Memory(dir).verbose(0);
    MemorizedFunction<Integer> plusOne = memory.memorize(MemoryTest::plusOne);
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hashes.add(plusOne.callAndShelve(i).argumentHash());
    }
    Path function = dir.resolve("joblib4j/org.joblib4j.memory.MemoryTest.plusOne");
    Instant old = Instant.now().minus(Duration.ofDays(1));
    for (int i = 0; i < 10; i++) {
      FileTime t = FileTime.from(old.plus(Duration.ofMinutes(i)));
      Files.getFileAttributeView(
              function.resolve(hashes.get(i)).resolve("output"), BasicFileAttributeView.class)
          .setTimes(t, t, null);
    }
    plusOne.apply(0); // a hit: item 0 becomes the most recently used

    memory.reduceSize(null, 3, null);

    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      if (plusOne.checkCallInCache(i)) {
        kept.add(i);
      }
    }
    assertThat(kept).containsExactly(0, 8, 9);
    assertThat(calls).hasValue(10);
    memory.reduceSize(null, null, Duration.ofHours(1));
    assertThat(IntStream.range(0, 10).filter(plusOne::checkCallInCache)).containsExactly(0);
    memory.reduceSize(0L, null, null);
    assertThat(IntStream.range(0, 10).filter(plusOne::checkCallInCache)).isEmpty();
  }

  @Test
  void reduceSize_staleTemporaryFiles_deletedFreshOnesKept() throws IOException {
    Memory memory = new Memory(dir).verbose(0);
    MemorizedResult<Integer> r = memory.memorize(MemoryTest::plusOne).callAndShelve(1);
    Path item = dir.resolve("joblib4j").resolve(r.functionId()).resolve(r.argumentHash());
    String stale = Stores.temporaryName("output").replaceFirst("\\.\\d+-", ".1000-");
    Files.writeString(item.resolve(stale), "left by a killed writer");
    Path fresh = Files.writeString(item.resolve(Stores.temporaryName("output")), "in progress");

    memory.reduceSize(null, null, null);

    assertThat(item.resolve(stale)).doesNotExist();
    assertThat(fresh).exists();
    assertThat(r.get()).isEqualTo(2);
  }

  @Test
  void itemsToDelete_joblibLimits_keepExpectedCounts() {
    List<CacheItem> items = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < 10; i++) {
      items.add(new CacheItem("f/" + i, 1100, now.minusSeconds(100 - i)));
    }

    assertThat(kept(items, 3L * 1024, null, null)).containsExactly("f/8", "f/9");
    assertThat(kept(items, 500L, null, null)).isEmpty();
    assertThat(kept(items, 1024L * 1024, null, null)).hasSize(10);
    assertThat(kept(items, null, 2, null)).containsExactly("f/8", "f/9");
    assertThat(kept(items, null, 0, null)).isEmpty();
    assertThat(kept(items, null, null, Duration.ZERO)).isEmpty();
    assertThat(kept(items, null, null, Duration.ofSeconds(5)))
        .containsExactly("f/6", "f/7", "f/8", "f/9");
    assertThatThrownBy(() -> new Memory(dir).reduceSize(null, null, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ageLimit has to be a positive duration");
  }

  private static List<String> kept(List<CacheItem> items, Long bytes, Integer count, Duration age) {
    List<CacheItem> deleted =
        Memory.itemsToDelete(items, bytes, count, age, items.get(9).lastAccess().plusSeconds(1));
    return items.stream().filter(i -> !deleted.contains(i)).map(CacheItem::path).toList();
  }

  @Test
  void cache_task_runsThroughTheCacheInParallel() {
    Memory memory = new Memory(dir).verbose(0);
    List<Integer> first =
        new Parallel()
            .nJobs(1)
            .run(
                IntStream.range(0, 5).mapToObj(i -> memory.cache(delayed(MemoryTest::plusOne, i))));
    List<Integer> second =
        new Parallel()
            .nJobs(1)
            .run(
                IntStream.range(0, 5).mapToObj(i -> memory.cache(delayed(MemoryTest::plusOne, i))));

    assertThat(first).containsExactly(1, 2, 3, 4, 5);
    assertThat(second).isEqualTo(first);
    assertThat(calls).hasValue(5);
  }

  @Test
  void cache_tasksOnFourThreadsRacingOnTenKeys_correctResultsWithoutWarnings() {
    Memory memory = new Memory(dir).verbose(0);
    List<Integer> results;
    String warnings;
    try (Stderr err = new Stderr()) {
      results =
          new Parallel()
              .backend("executor")
              .nJobs(4)
              .batchSize(1)
              .run(
                  IntStream.range(0, 80)
                      .mapToObj(i -> memory.cache(delayed(MemoryTest::plusOne, i % 10))));
      warnings = err.text();
    }

    assertThat(results).isEqualTo(IntStream.range(0, 80).mapToObj(i -> i % 10 + 1).toList());
    assertThat(warnings).isEmpty();
    assertThat(calls.get()).isBetween(10, 80);
    assertThat(
            IntStream.range(0, 10).allMatch(memory.memorize(MemoryTest::plusOne)::checkCallInCache))
        .isTrue();
  }

  @Test
  void cache_serializedCachedFunction_readsTheSameCache() {
    SerializableFunction<Integer, Integer> plusOne =
        new Memory(dir).verbose(0).cache(MemoryTest::plusOne);
    plusOne.apply(7);

    for (Serializer serializer : List.of(Serializer.named("kryo"), Serializer.named("java"))) {
      @SuppressWarnings("unchecked")
      SerializableFunction<Integer, Integer> copy =
          (SerializableFunction<Integer, Integer>)
              serializer.fromBytes(serializer.toBytes(plusOne));
      assertThat(copy.apply(7)).isEqualTo(8);
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void memorize_ofCachedFunction_unwrapsToTheSameFunction() {
    Memory memory = new Memory(dir).verbose(0);
    SerializableFunction<Integer, Integer> cached = memory.cache(MemoryTest::plusOne);

    assertThat(memory.memorize(cached).functionId())
        .isEqualTo("org.joblib4j.memory.MemoryTest.plusOne");
    assertThat(memory.cacheOptions().name("renamed").memorize(cached).functionId())
        .isEqualTo("renamed");
  }

  static ByteBuffer ramp(Integer n) {
    calls.incrementAndGet();
    ByteBuffer b = ByteBuffer.allocate(n);
    for (int i = 0; i < n; i++) {
      b.put(i, (byte) i);
    }
    return b;
  }

  static int zeros(Integer n) {
    calls.incrementAndGet();
    return n;
  }

  @Test
  void compression_zstd_storesSmallerOutputAndReadsItBack() throws IOException {
    SerializableFunction<Integer, ByteBuffer> plain =
        new Memory(dir.resolve("plain")).verbose(0).cache(MemoryTest::ramp);
    SerializableFunction<Integer, ByteBuffer> packed =
        new Memory(dir.resolve("packed"))
            .verbose(0)
            .compression(Compression.of(Compression.Codec.ZSTD, 3))
            .cache(MemoryTest::ramp);

    ByteBuffer expected = ramp(1 << 20);
    assertThat(packed.apply(1 << 20)).isEqualTo(expected);
    assertThat(packed.apply(1 << 20)).isEqualTo(expected);
    plain.apply(1 << 20);
    assertThat(calls).hasValue(3);
    assertThat(Files.size(outputs(dir.resolve("packed")).get(0)))
        .isLessThan(Files.size(outputs(dir.resolve("plain")).get(0)) / 10);
  }

  @Test
  void mmapMode_readOnly_resultsAreMappedAlsoOnTheComputingCall() {
    SerializableFunction<Integer, ByteBuffer> ramp =
        new Memory(dir).verbose(0).mmapMode(MmapMode.READ_ONLY).cache(MemoryTest::ramp);

    ByteBuffer computed = ramp.apply(1 << 20);
    ByteBuffer loaded = ramp.apply(1 << 20);

    assertThat(calls).hasValue(1);
    assertThat(computed.isReadOnly()).isTrue();
    assertThat(loaded.isReadOnly()).isTrue();
    assertThat(loaded.isDirect()).isTrue();
    assertThat(loaded).isEqualTo(ramp(1 << 20));
  }

  @Test
  void cache_unhashableArgument_computesWithWarning() {
    SerializableBiFunction<Integer, Thread, Integer> f =
        new Memory(dir).verbose(0).cache((Integer n, Thread t) -> zeros(n));

    String warnings;
    try (Stderr err = new Stderr()) {
      assertThat(f.apply(3, Thread.currentThread())).isEqualTo(3);
      warnings = err.text();
    }
    assertThat(warnings).contains("Cannot hash the arguments of");
    SerializableBiFunction<Integer, Thread, Integer> ignoring =
        new Memory(dir)
            .verbose(0)
            .cacheOptions()
            .ignore(1)
            .cache((Integer n, Thread t) -> zeros(n));
    ignoring.apply(3, Thread.currentThread());
    ignoring.apply(3, new Thread());
    assertThat(calls).hasValue(2);
  }

  static List<Path> outputs(Path location) throws IOException {
    try (Stream<Path> s = Files.walk(location)) {
      return s.filter(p -> p.getFileName().toString().equals("output")).toList();
    }
  }

  static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }
}
