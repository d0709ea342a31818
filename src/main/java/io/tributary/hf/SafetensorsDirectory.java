package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The safetensors weights of a Hugging Face directory: model.safetensors, or the shards named by
 * model.safetensors.index.json. Each tensor's bytes are memory-mapped when asked for, so reading a
 * model tensor by tensor keeps no extra copy of the files.
 */
final class SafetensorsDirectory implements WeightSource {
  private static final long MAX_HEADER = 100L << 20;

  private record Entry(Path file, String dtype, long[] shape, long start, long end) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<Path, FileChannel> channels = new LinkedHashMap<>();

  private SafetensorsDirectory() {}

  static SafetensorsDirectory open(Path dir) {
    SafetensorsDirectory source = new SafetensorsDirectory();
    try {
      Path index = dir.resolve("model.safetensors.index.json");
      Set<String> files = new TreeSet<>();
      if (Files.isRegularFile(index)) {
        JsonNode map = readJson(index).path("weight_map");
        if (!map.isObject() || map.isEmpty()) {
          throw new HfFormatException(index + ": weight_map: missing or empty");
        }
        map.elements().forEachRemaining(f -> files.add(f.asText()));
      } else if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
        files.add("model.safetensors");
      } else {
        throw new HfFormatException(
            dir + ": neither model.safetensors nor model.safetensors.index.json");
      }
      for (String f : files) {
        source.readHeader(dir.resolve(f));
      }
      return source;
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return Json.mapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new HfFormatException(file + ": not readable JSON: " + e.getMessage(), e);
    }
  }

  private void readHeader(Path file) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      channels.put(file, channel);
      long size = channel.size();
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      if (size < 8 || channel.read(lengthBytes, 0) != 8) {
        throw new HfFormatException(file + ": truncated (no 8-byte header length)");
      }
      long headerLength = lengthBytes.getLong(0);
      if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
        throw new HfFormatException(file + ": header length " + headerLength + " does not fit");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      channel.read(header, 8);
      JsonNode root;
      try {
        root = Json.mapper().readTree(header.array());
      } catch (IOException e) {
        throw new HfFormatException(file + ": header is not JSON: " + e.getMessage(), e);
      }
      long dataStart = 8 + headerLength;
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        JsonNode t = e.getValue();
        JsonNode offsets = t.path("data_offsets");
        long[] shape = new long[t.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.path("shape").get(i).asLong();
        }
        long start = dataStart + offsets.path(0).asLong();
        long end = dataStart + offsets.path(1).asLong();
        if (end > size || start > end) {
          throw new HfFormatException(
              file + ": tensor " + e.getKey() + " lies beyond the end of the file (truncated)");
        }
        entries.put(e.getKey(), new Entry(file, t.path("dtype").asText(), shape, start, end));
      }
    } catch (IOException e) {
      throw new HfFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  @Override
  public Set<String> names() {
    return new LinkedHashSet<>(entries.keySet());
  }

  @Override
  public TensorInfo info(String name) {
    Entry e = entries.get(name);
    return new TensorInfo(e.file().getFileName().toString(), e.dtype(), e.shape().clone());
  }

  @Override
  public ByteBuffer bytes(String name) {
    Entry e = entries.get(name);
    try {
      return channels
          .get(e.file())
          .map(FileChannel.MapMode.READ_ONLY, e.start(), e.end() - e.start())
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException x) {
      throw new HfFormatException(e.file() + ": tensor " + name + ": " + x.getMessage(), x);
    }
  }

  @Override
  public void close() {
    for (FileChannel c : channels.values()) {
      try {
        c.close();
      } catch (IOException ignored) {
        // read-only channels: nothing is lost
      }
    }
  }
}
