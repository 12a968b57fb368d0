package org.joblib4j.persist;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.joblib4j.MmapMode;
import org.jspecify.annotations.Nullable;

/**
 * How {@link org.joblib4j.Joblib#load} reads a file: whether to memory-map it ({@link
 * #mmapMode(MmapMode)}) and which classes the file may make it instantiate ({@link
 * #classFilter(Predicate)}).
 *
 * <p><b>Loading a file from an untrusted source without a class filter is unsafe</b>: like Java
 * serialization and Python's pickle, the file names the classes it holds, and loading creates
 * instances of them. With a filter, a file naming a class the filter refuses fails with {@link
 * DisallowedClassException} before any instance of that class is created. Primitive arrays, boxed
 * primitives, {@code String} and {@code java.nio} buffers are always allowed. This class is
 * immutable.
 */
public final class LoadOptions {
  private static final LoadOptions DEFAULTS = new LoadOptions(MmapMode.NONE, null);

  private final MmapMode mmapMode;
  private final @Nullable Predicate<String> classFilter;

  private LoadOptions(MmapMode mmapMode, @Nullable Predicate<String> classFilter) {
    this.mmapMode = mmapMode;
    this.classFilter = classFilter;
  }

  /** Returns the defaults: no memory mapping and no class filter. */
  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns options with no memory mapping that allow exactly {@code types} (besides the always
   * allowed plain data types); subclasses are not allowed unless listed. To allow lambdas, list
   * {@link java.lang.invoke.SerializedLambda} and the classes that define them.
   */
  public static LoadOptions allow(Class<?>... types) {
    Set<String> names = Arrays.stream(types).map(Class::getName).collect(Collectors.toSet());
    return DEFAULTS.classFilter(
        new Predicate<>() {
          @Override
          public boolean test(String name) {
            return names.contains(name);
          }

          @Override
          public String toString() {
            return "allow" + names;
          }
        });
  }

  /** Returns options with no memory mapping whose class filter is {@code allowedClassNames}. */
  public static LoadOptions allow(Predicate<String> allowedClassNames) {
    return DEFAULTS.classFilter(allowedClassNames);
  }

  /**
   * Returns a copy that memory-maps uncompressed files ({@code READ_ONLY} or {@code
   * COPY_ON_WRITE}): buffers in the graph become views of the mapping, arrays are copied from it in
   * bulk. Compressed files and streams cannot be mapped; they are read normally and a warning is
   * logged.
   */
  public LoadOptions mmapMode(MmapMode mode) {
    return new LoadOptions(Objects.requireNonNull(mode, "mode"), classFilter);
  }

  /**
   * Returns a copy whose class filter is {@code allowedClassNames}: given a binary class name
   * ({@link Class#getName()}, the element type for arrays), it returns whether the file may make
   * {@code load} instantiate that class.
   */
  public LoadOptions classFilter(Predicate<String> allowedClassNames) {
    return new LoadOptions(mmapMode, Objects.requireNonNull(allowedClassNames, "filter"));
  }

  /** Returns the memory-mapping mode, {@link MmapMode#NONE} by default. */
  public MmapMode mmapMode() {
    return mmapMode;
  }

  /** Returns the class filter, empty by default (every class is allowed). */
  public Optional<Predicate<String>> classFilter() {
    return Optional.ofNullable(classFilter);
  }

  @Override
  public String toString() {
    return "LoadOptions[mmapMode=" + mmapMode + ", classFilter=" + classFilter + "]";
  }
}
