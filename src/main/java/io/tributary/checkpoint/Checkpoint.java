package io.tributary.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.json.Json;
import io.tributary.model.GradMode;
import io.tributary.model.LoraAdapters;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.tokenizer.TokenizerSpec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A policy checkpoint file: magic, JSON header, raw little-endian parameter bytes, CRC-32 of all
 * that precedes it. Saving writes a temporary file beside the target, forces it to disk and renames
 * it over the target, so a crash leaves the previous checkpoint intact. Reading checks everything
 * (magic, header, sizes, CRC, fit to the model) before a single weight is copied, so a rejected
 * file leaves the model untouched.
 */
public final class Checkpoint {
  private static final byte[] MAGIC = "TRBCKPT\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEADER_BYTES = 64 << 20;

  private final CheckpointHeader header;
  private final List<byte[]> data;

  private Checkpoint(CheckpointHeader header, List<byte[]> data) {
    this.header = header;
    this.data = data;
  }

  public CheckpointHeader header() {
    return header;
  }

  /** Saves every weight of {@code model} atomically to {@code target}. */
  public static void save(
      Path target,
      PolicyModel model,
      TokenizerSpec tokenizer,
      long policyVersion,
      long trainingStep,
      Map<String, String> metadata) {
    save(target, model, model.parameters(), tokenizer, policyVersion, trainingStep, metadata, null);
  }

  /**
   * Saves only the adapters of a LoRA policy, with the location of its base ({@code base}: the
   * Hugging Face directory or checkpoint it was loaded from) and the base's {@link
   * BaseFingerprint}: what a LoRA run's checkpoints and policy versions carry.
   */
  public static void saveAdapters(
      Path target,
      PolicyModel model,
      String base,
      TokenizerSpec tokenizer,
      long policyVersion,
      long trainingStep,
      Map<String, String> metadata) {
    LoraAdapters adapters = model.adapters();
    if (adapters == null) {
      throw new IllegalArgumentException("saveAdapters: the policy has no adapters");
    }
    List<Pair<String, Parameter>> only =
        model.parameters().stream().filter(p -> adapters.isAdapterParameter(p.getValue())).toList();
    AdapterManifest manifest =
        new AdapterManifest(adapters.config(), base, BaseFingerprint.of(model));
    // the base holds its tokenizer.json already; a version names it rather than copy megabytes
    TokenizerSpec named =
        tokenizer instanceof TokenizerSpec.HuggingFace hf ? hf.asReference() : tokenizer;
    save(target, model, only, named, policyVersion, trainingStep, metadata, manifest);
  }

  private static void save(
      Path target,
      PolicyModel model,
      List<Pair<String, Parameter>> parameters,
      TokenizerSpec tokenizer,
      long policyVersion,
      long trainingStep,
      Map<String, String> metadata,
      AdapterManifest adapters) {
    List<CheckpointHeader.TensorEntry> entries = new ArrayList<>();
    List<byte[]> bytes = new ArrayList<>();
    for (Pair<String, Parameter> p : parameters) {
      NDArray array = p.getValue().getArray();
      byte[] raw = toBytes(array);
      entries.add(
          new CheckpointHeader.TensorEntry(
              p.getKey(), array.getShape().getShape(), array.getDataType().name(), raw.length));
      bytes.add(raw);
    }
    CheckpointHeader header =
        new CheckpointHeader(
            CheckpointHeader.FORMAT_VERSION,
            model.config(),
            tokenizer,
            policyVersion,
            trainingStep,
            System.currentTimeMillis(),
            entries,
            metadata == null ? Map.of() : Map.copyOf(metadata),
            adapters);
    write(target, header, bytes);
  }

  private static void write(Path target, CheckpointHeader header, List<byte[]> tensors) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        CRC32 crc = new CRC32();
        OutputStream raw = Channels.newOutputStream(channel);
        DataOutputStream out =
            new DataOutputStream(
                new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 20), crc));
        byte[] json = Json.writeBytes(header);
        out.write(MAGIC);
        out.writeInt(json.length);
        out.write(json);
        for (byte[] t : tensors) {
          out.write(t);
        }
        out.flush();
        long checksum = crc.getValue();
        ByteBuffer trailer = ByteBuffer.allocate(8).putLong(checksum).flip();
        while (trailer.hasRemaining()) {
          channel.write(trailer);
        }
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new CheckpointException(
          target + ": checkpoint write failed, previous file kept: " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the temporary file is only litter; the target is what matters
        }
      }
    }
  }

  /**
   * Only the header of a checkpoint file, unverified beyond its magic and JSON: enough to learn a
   * base's tokenizer without reading gigabytes of weights that the caller reads again anyway.
   */
  static CheckpointHeader readHeader(Path file) {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CheckpointException(file + ": not a Tributary checkpoint (bad magic bytes)");
      }
      int headerLength = in.readInt();
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES) {
        throw new CheckpointException(file + ": corrupt header length " + headerLength);
      }
      byte[] json = new byte[headerLength];
      in.readFully(json);
      return Json.mapper().readValue(json, CheckpointHeader.class);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such checkpoint file");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read checkpoint header: " + e, e);
    }
  }

  /** Reads and fully verifies a checkpoint file; no model is touched. */
  public static Checkpoint read(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such checkpoint file");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read checkpoint: " + e, e);
    }
    CRC32 crc = new CRC32();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
        DataInputStream checked = new DataInputStream(new CheckedInputStream(in, crc))) {
      byte[] magic = new byte[MAGIC.length];
      checked.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CheckpointException(file + ": not a Tributary checkpoint (bad magic bytes)");
      }
      int headerLength = checked.readInt();
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size) {
        throw new CheckpointException(file + ": corrupt header length " + headerLength);
      }
      byte[] json = new byte[headerLength];
      checked.readFully(json);
      CheckpointHeader header;
      try {
        header = Json.mapper().readValue(json, CheckpointHeader.class);
      } catch (IOException e) {
        throw new CheckpointException(file + ": corrupt checkpoint header: " + e.getMessage(), e);
      }
      if (header.formatVersion() != CheckpointHeader.FORMAT_VERSION) {
        throw new CheckpointException(
            file
                + ": checkpoint format "
                + header.formatVersion()
                + ", expected "
                + CheckpointHeader.FORMAT_VERSION);
      }
      long expected = MAGIC.length + 4L + headerLength + 8;
      for (CheckpointHeader.TensorEntry t : header.tensors()) {
        expected += t.bytes();
      }
      if (expected != size) {
        throw new CheckpointException(
            file
                + ": size "
                + size
                + " bytes, header promises "
                + expected
                + " (truncated or corrupt)");
      }
      List<byte[]> data = new ArrayList<>();
      for (CheckpointHeader.TensorEntry t : header.tensors()) {
        byte[] bytes = new byte[Math.toIntExact(t.bytes())];
        checked.readFully(bytes);
        data.add(bytes);
      }
      long computed = crc.getValue();
      long stored = new DataInputStream(in).readLong();
      if (computed != stored) {
        throw new CheckpointException(file + ": checksum mismatch (corrupt checkpoint)");
      }
      return new Checkpoint(header, data);
    } catch (EOFException e) {
      throw new CheckpointException(file + ": truncated checkpoint", e);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read checkpoint: " + e, e);
    }
  }

  /**
   * A new policy built from this checkpoint's config, on {@code config}'s device if given. An
   * adapter-only checkpoint whose base is a checkpoint file is applied over that base; one over a
   * Hugging Face directory is loaded by the importer (io.tributary.hf.LoraPolicies).
   */
  public PolicyModel toModel(ModelConfig deviceOverride) {
    if (isAdapterOnly()) {
      AdapterManifest manifest = header.adapters();
      Path base = manifest.base() == null ? null : Path.of(manifest.base());
      if (base == null || !Files.isRegularFile(base)) {
        throw new CheckpointException(
            "this checkpoint holds only LoRA adapters: load their base "
                + manifest.base()
                + " and apply them with loadInto");
      }
      Checkpoint baseCheckpoint = read(base);
      if (baseCheckpoint.isAdapterOnly()) {
        throw new CheckpointException(base + ": a base must hold every weight, not adapters");
      }
      PolicyModel model = baseCheckpoint.toModel(deviceOverride);
      try {
        loadInto(model);
        return model;
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    ModelConfig config =
        deviceOverride == null
            ? header.modelConfig()
            : header.modelConfig().toBuilder().device(deviceOverride.device()).build();
    PolicyModel model = PolicyModel.create(config, 0);
    try {
      loadInto(model);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The tokenizer to run this checkpoint with: the header's own, or for an adapter-only checkpoint
   * that names its base's tokenizer, the base's tokenizer.json after checking its SHA-256. {@code
   * base} overrides the manifest's base where the user moved it (null: the manifest's).
   */
  public TokenizerSpec tokenizer(Path base) {
    if (!(header.tokenizer() instanceof TokenizerSpec.OfBase reference)) {
      return header.tokenizer();
    }
    String named = isAdapterOnly() ? header.adapters().base() : null;
    if (base == null && named == null) {
      throw new CheckpointException(
          "the checkpoint's tokenizer is its base's, and it names no base: pass the base");
    }
    Path location = base != null ? base : Path.of(named);
    String text = baseTokenizerJson(location);
    try {
      return reference.resolve(text, location.toString());
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(e.getMessage(), e);
    }
  }

  /** {@link #tokenizer(Path)} with the base the manifest names. */
  public TokenizerSpec tokenizer() {
    return tokenizer(null);
  }

  /**
   * Whether this checkpoint runs with {@code running}, the tokenizer a replica already uses: what a
   * hot reload checks without reading the base again.
   */
  public boolean hasTokenizer(TokenizerSpec running) {
    if (header.tokenizer() instanceof TokenizerSpec.OfBase reference) {
      return running instanceof TokenizerSpec.HuggingFace hf && hf.asReference().equals(reference);
    }
    return header.tokenizer().equals(running);
  }

  private static String baseTokenizerJson(Path base) {
    if (Files.isDirectory(base)) {
      Path json = base.resolve("tokenizer.json");
      try {
        return Files.readString(json, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CheckpointException(
            json + ": the adapters' base has no readable tokenizer.json: " + e, e);
      }
    }
    if (!Files.isRegularFile(base)) {
      throw new CheckpointException(
          "the adapters' base "
              + base
              + " is neither a Hugging Face directory nor a checkpoint file (pass the base)");
    }
    TokenizerSpec spec = readHeader(base).tokenizer();
    if (!(spec instanceof TokenizerSpec.HuggingFace hf)) {
      throw new CheckpointException(
          base + ": the adapters name a Hugging Face tokenizer, the base holds " + spec);
    }
    return hf.tokenizerJson();
  }

  /** Whether this checkpoint holds only adapters, to be applied over {@link #header()}'s base. */
  public boolean isAdapterOnly() {
    return header.adapters() != null;
  }

  /**
   * Copies the weights into {@code model} after checking every name and shape. An adapter-only
   * checkpoint goes over a base: {@code model} must be that base (same fingerprint), and gets the
   * checkpoint's adapters attached first if it has none.
   */
  public void loadInto(PolicyModel model) {
    List<CheckpointHeader.TensorEntry> tensors = header.tensors();
    List<Pair<String, Parameter>> parameters =
        isAdapterOnly() ? adapterParametersOf(model) : model.parameters();
    if (!sameArchitecture(header.modelConfig(), model.config())) {
      throw new CheckpointException(
          "checkpoint does not fit the model: checkpoint config "
              + header.modelConfig()
              + ", model config "
              + model.config());
    }
    if (parameters.size() != tensors.size()) {
      throw new CheckpointException(
          "checkpoint has " + tensors.size() + " tensors, the model " + parameters.size());
    }
    for (int i = 0; i < tensors.size(); i++) {
      CheckpointHeader.TensorEntry t = tensors.get(i);
      Pair<String, Parameter> p = parameters.get(i);
      Shape expected = p.getValue().getArray().getShape();
      if (!t.name().equals(p.getKey()) || !new Shape(t.shape()).equals(expected)) {
        throw new CheckpointException(
            "checkpoint tensor "
                + i
                + " is "
                + t.name()
                + Arrays.toString(t.shape())
                + ", the model expects "
                + p.getKey()
                + expected);
      }
    }
    try (GradMode ignored = GradMode.disabled();
        NDManager scratch = model.manager().newSubManager()) {
      for (int i = 0; i < tensors.size(); i++) {
        CheckpointHeader.TensorEntry t = tensors.get(i);
        NDArray target = parameters.get(i).getValue().getArray();
        ByteBuffer buffer = ByteBuffer.wrap(data.get(i)).order(ByteOrder.LITTLE_ENDIAN);
        NDArray loaded = scratch.create(buffer, new Shape(t.shape()), DataType.valueOf(t.dtype()));
        if (loaded.getDataType() != target.getDataType()) {
          loaded = loaded.toType(target.getDataType(), false);
        }
        target.set(new NDIndex("..."), loaded);
      }
    }
  }

  private List<Pair<String, Parameter>> adapterParametersOf(PolicyModel model) {
    AdapterManifest manifest = header.adapters();
    if (!sameArchitecture(header.modelConfig(), model.config())) {
      throw new CheckpointException(
          "adapters do not fit the model: their base config "
              + header.modelConfig()
              + ", model config "
              + model.config());
    }
    String fingerprint = BaseFingerprint.of(model);
    if (!fingerprint.equals(manifest.baseSha256())) {
      // a refused base must not keep adapters: attach only after this check
      throw new CheckpointException(
          "adapters were trained on the base "
              + manifest.base()
              + " with weights SHA-256 "
              + manifest.baseSha256()
              + ", but this model's base weights hash to "
              + fingerprint);
    }
    if (model.adapters() == null) {
      model.attachAdapters(manifest.lora()).baseFingerprint(() -> fingerprint);
    } else if (!model.adapters().config().equals(manifest.lora())) {
      throw new CheckpointException(
          "adapters: checkpoint has "
              + manifest.lora()
              + ", the model's adapters are "
              + model.adapters().config());
    }
    LoraAdapters adapters = model.adapters();
    return model.parameters().stream()
        .filter(p -> adapters.isAdapterParameter(p.getValue()))
        .toList();
  }

  /** Architecture equality: everything but the device, which may differ between machines. */
  static boolean sameArchitecture(ModelConfig a, ModelConfig b) {
    return a.toBuilder().device(b.device()).build().equals(b);
  }

  /**
   * Hex SHA-256 of a checkpoint file's bytes: what the learner announces with a policy version and
   * what every rollout worker checks before loading it, so both sides compute it here.
   */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such checkpoint file");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read for its checksum: " + e, e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static byte[] toBytes(NDArray array) {
    ByteBuffer buffer = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
