package org.joblib4j.memory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes {@code metadata.json}, joblib's fields and ours: {@code duration} and {@code
 * time} in seconds, {@code input_args}, {@code size} in bytes, {@code last_access}.
 */
final class MetadataJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private MetadataJson() {}

  static byte[] write(CacheMetadata m, String function) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("duration", m.duration().toNanos() / 1e9);
    json.put("time", seconds(m.time()));
    json.put("input_args", new LinkedHashMap<>(m.inputArgs()));
    json.put("size", m.size());
    json.put("last_access", seconds(m.lastAccess()));
    json.put("function", function);
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
  }

  static CacheMetadata read(byte[] bytes) throws IOException {
    Map<String, Object> json = MAPPER.readValue(bytes, MAP);
    Map<String, String> args = new LinkedHashMap<>();
    if (json.get("input_args") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> args.put(String.valueOf(k), String.valueOf(v)));
    }
    Instant time = instant(json.get("time"));
    return new CacheMetadata(
        Duration.ofNanos((long) (number(json.get("duration")) * 1e9)),
        time,
        args,
        (long) number(json.get("size")),
        json.containsKey("last_access") ? instant(json.get("last_access")) : time);
  }

  private static double seconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  private static Instant instant(Object seconds) throws IOException {
    double s = number(seconds);
    long whole = (long) Math.floor(s);
    return Instant.ofEpochSecond(whole, (long) ((s - whole) * 1e9));
  }

  private static double number(Object value) throws IOException {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw new IOException("metadata.json lacks a number where one is expected, found " + value);
  }
}
