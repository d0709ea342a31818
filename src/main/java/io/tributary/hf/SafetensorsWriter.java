package io.tributary.hf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one .safetensors file as the reference serializer lays it out ({@code prepare} in
 * safetensors/src/tensor.rs): tensors sorted by descending dtype alignment, then by name, packed
 * without gaps from offset 0; a compact JSON header with {@code __metadata__} first and the tensors
 * in data order; the header padded with spaces so that the data starts 8-byte aligned; an 8-byte
 * little-endian header length in front. The file appears complete or not at all (written beside and
 * moved into place).
 */
public final class SafetensorsWriter {
  /** What transformers' save_pretrained puts in every file it writes. */
  public static final Map<String, String> PT_METADATA = Map.of("format", "pt");

  private static final int CHUNK_ELEMENTS = 1 << 18;
  private static final JsonFactory JSON = new JsonFactory();

  private SafetensorsWriter() {}

  /** Writes {@code tensors} with the metadata transformers writes; returns the data bytes. */
  public static long write(Path file, List<OutputTensor> tensors) {
    return write(file, tensors, PT_METADATA);
  }

  /** Writes {@code tensors}; an empty {@code metadata} leaves {@code __metadata__} out. */
  public static long write(Path file, List<OutputTensor> tensors, Map<String, String> metadata) {
    List<OutputTensor> ordered = layoutOrder(tensors);
    byte[] header = header(ordered, metadata);
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    long dataBytes = 0;
    try (FileChannel channel =
        FileChannel.open(
            partial,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer =
          ByteBuffer.allocateDirect(CHUNK_ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN);
      buffer.putLong(header.length).put(header);
      for (OutputTensor tensor : ordered) {
        float[] values = tensor.values().get();
        if (values.length != tensor.elementCount()) {
          throw new IllegalArgumentException(
              file
                  + ": tensor '"
                  + tensor.name()
                  + "' supplied "
                  + values.length
                  + " values for shape "
                  + tensor.shape());
        }
        for (float value : values) {
          if (buffer.remaining() < 4) {
            drain(channel, buffer);
          }
          switch (tensor.dtype()) {
            case F32 -> buffer.putFloat(value);
            case BF16 -> buffer.putShort(HalfPrecision.floatToBf16(value));
            case F16 -> buffer.putShort(HalfPrecision.floatToF16(value));
            default -> throw new IllegalStateException(tensor.dtype().name());
          }
        }
        dataBytes += tensor.byteSize();
      }
      drain(channel, buffer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    try {
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + partial + " to " + file, e);
    }
    return dataBytes;
  }

  private static void drain(FileChannel channel, ByteBuffer buffer) throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  /** Descending alignment (the dtype's declaration order reversed), then name. */
  static List<OutputTensor> layoutOrder(List<OutputTensor> tensors) {
    Set<String> names = new HashSet<>();
    for (OutputTensor tensor : tensors) {
      if (!names.add(tensor.name())) {
        throw new IllegalArgumentException("tensor '" + tensor.name() + "' is given twice");
      }
    }
    List<OutputTensor> ordered = new ArrayList<>(tensors);
    ordered.sort(
        Comparator.comparing((OutputTensor t) -> t.dtype().ordinal())
            .reversed()
            .thenComparing(OutputTensor::name));
    return ordered;
  }

  /** The header bytes, padded with spaces to a multiple of 8, for tensors in layout order. */
  static byte[] header(List<OutputTensor> ordered, Map<String, String> metadata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      if (!metadata.isEmpty()) {
        json.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(metadata).entrySet()) {
          json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
      }
      long offset = 0;
      for (OutputTensor tensor : ordered) {
        json.writeObjectFieldStart(tensor.name());
        json.writeStringField("dtype", tensor.dtype().name());
        json.writeArrayFieldStart("shape");
        for (long dim : tensor.shape()) {
          json.writeNumber(dim);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("data_offsets");
        json.writeNumber(offset);
        offset += tensor.byteSize();
        json.writeNumber(offset);
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int padding = (8 - out.size() % 8) % 8;
    for (int i = 0; i < padding; i++) {
      out.write(' ');
    }
    return out.toByteArray();
  }
}
