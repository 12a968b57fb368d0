package org.joblib4j.testing;

import java.util.Set;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.ParallelBackend;

/** The other of two factories claiming the same name, for the registry's duplicate check. */
public class DuplicateFactoryB implements BackendFactory {
  @Override
  public String name() {
    return "twice";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of();
  }

  @Override
  public ParallelBackend create(BackendOptions options) {
    throw new IllegalStateException("never created");
  }
}
