package io.tributary.policy;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.model.PolicyModel;
import io.tributary.tokenizer.TokenizerSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Versioned policy checkpoints in one directory ({@code policy-v00000012.ckpt}), written atomically
 * by {@link Checkpoint#save}; the newest {@code keep} are kept. On a shared file system this
 * directory is what rollout workers on other machines load from.
 */
public final class PolicyStore {
  private static final Pattern NAME = Pattern.compile("policy-v(\\d{8})\\.ckpt");

  /** {@link Checkpoint#save}'s temporary file, left behind when a learner was killed mid-write. */
  private static final Pattern ABANDONED = Pattern.compile("\\.policy-v\\d{8}\\.ckpt\\..*\\.tmp");

  private final Path dir;
  private final int keep;
  private final String adapterBase;

  public PolicyStore(Path dir, int keep) {
    this(dir, keep, null);
  }

  /**
   * A store whose LoRA policy versions hold only the adapters and name {@code adapterBase} (the
   * checkpoint or Hugging Face directory of their base; may be null when every reader has the base
   * already loaded).
   */
  public PolicyStore(Path dir, int keep, String adapterBase) {
    this.adapterBase = adapterBase;
    if (keep < 1) {
      throw new IllegalArgumentException("keep: got " + keep + ", expected 1 or more");
    }
    this.dir = dir;
    this.keep = keep;
  }

  public record Entry(long version, Path path, String sha256) {}

  public Path dir() {
    return dir;
  }

  public Path pathOf(long version) {
    return dir.resolve(String.format("policy-v%08d.ckpt", version));
  }

  /** Saves version {@code version} and prunes old ones; the previous newest stays until then. */
  public Entry save(
      PolicyModel model,
      TokenizerSpec tokenizer,
      long version,
      long step,
      Map<String, String> metadata) {
    Path path = pathOf(version);
    if (model.adapters() != null) {
      // a LoRA run moves only its adapters: each version is what rollout workers load
      Checkpoint.saveAdapters(path, model, adapterBase, tokenizer, version, step, metadata);
    } else {
      Checkpoint.save(path, model, tokenizer, version, step, metadata);
    }
    Entry entry = new Entry(version, path, Checkpoint.sha256(path));
    prune();
    return entry;
  }

  /** The newest version, verified (magic, sizes, CRC); a corrupt newest file is an error. */
  public Optional<Entry> latest() {
    List<Long> versions = versions();
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    long newest = versions.get(versions.size() - 1);
    Path path = pathOf(newest);
    Checkpoint.read(path); // throws CheckpointException naming the file
    return Optional.of(new Entry(newest, path, Checkpoint.sha256(path)));
  }

  public List<Long> versions() {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            Matcher m = NAME.matcher(f.getFileName().toString());
            if (m.matches()) {
              out.add(Long.parseLong(m.group(1)));
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list the policy store: " + e, e);
    }
    out.sort(null);
    return out;
  }

  /**
   * Deletes all but the newest {@code keep} versions, and the temporary files of writes a killed
   * learner never finished: one learner writes a store, so after its own save returns any temporary
   * file left is abandoned.
   */
  private void prune() {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (ABANDONED.matcher(f.getFileName().toString()).matches()) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot clean the policy store: " + e, e);
    }
    List<Long> versions = versions();
    for (int i = 0; i < versions.size() - keep; i++) {
      try {
        Files.deleteIfExists(pathOf(versions.get(i)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
