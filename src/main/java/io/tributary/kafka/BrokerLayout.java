package io.tributary.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a broker started by Tributary keeps its files inside a run directory: {@code
 * <run>/kafka/data} (the log), {@code server.properties}, {@code broker.log} (a child's output) and
 * {@code bootstrap.servers}, the address other programs of the session read.
 */
public record BrokerLayout(Path runDir) {
  public Path kafkaDir() {
    return runDir.resolve("kafka");
  }

  public Path dataDir() {
    return kafkaDir().resolve("data");
  }

  public Path configFile() {
    return kafkaDir().resolve("server.properties");
  }

  public Path logFile() {
    return kafkaDir().resolve("broker.log");
  }

  public Path addressFile() {
    return kafkaDir().resolve("bootstrap.servers");
  }

  /** Written atomically so that a reader never sees half an address. */
  public void writeAddress(String bootstrapServers) {
    try {
      Files.createDirectories(kafkaDir());
      Path tmp = kafkaDir().resolve("bootstrap.servers.tmp");
      Files.writeString(tmp, bootstrapServers + "\n", StandardCharsets.UTF_8);
      Files.move(
          tmp, addressFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + addressFile(), e);
    }
  }

  public void deleteAddress() {
    try {
      Files.deleteIfExists(addressFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + addressFile(), e);
    }
  }

  /** The address of the broker of this run directory, with a clear error when there is none. */
  public String readAddress() {
    Path file = addressFile();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          file + ": no broker address file; expected a run directory whose broker is running");
    }
    try {
      String address = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (address.isEmpty()) {
        throw new IllegalArgumentException(file + ": empty, expected host:port");
      }
      return address;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
