package io.tributary.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.io.IOUtils;

/**
 * One .safetensors file, opened with its header validated completely, read one tensor at a time
 * through memory mappings. Each read maps a window of at most {@link #WINDOW_BYTES} of the file,
 * converts it into the caller's array or buffer and unmaps it at once, so reading a model costs the
 * model's memory plus one window, never the file's size on top (and files beyond 2 GiB, the limit
 * of one mapping, read the same way). No mapping ever escapes this class, and reads share no state,
 * so threads may read different tensors at once.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** A multiple of every element size, so that a window never splits an element. */
  static final long WINDOW_BYTES = 64L << 20;

  private final Path path;
  private final long windowBytes;
  private final FileChannel channel;
  private final long dataStart;
  private final SafetensorsHeader header;
  private final Map<String, SafetensorsEntry> byName;

  private SafetensorsFile(
      Path path, long windowBytes, FileChannel channel, long dataStart, SafetensorsHeader header) {
    this.path = path;
    this.windowBytes = windowBytes;
    this.channel = channel;
    this.dataStart = dataStart;
    this.header = header;
    this.byName = new LinkedHashMap<>();
    for (SafetensorsEntry entry : header.entries()) {
      byName.put(entry.name(), entry);
    }
  }

  public static SafetensorsFile open(Path path) {
    return open(path, WINDOW_BYTES);
  }

  /** With windows of {@code windowBytes} (a multiple of 8): small ones test window seams. */
  static SafetensorsFile open(Path path, long windowBytes) {
    if (windowBytes <= 0 || windowBytes % 8 != 0) {
      throw new IllegalArgumentException(
          "window of " + windowBytes + " bytes: expected a positive multiple of 8");
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open safetensors file " + path, e);
    }
    try {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw new HfFormatException(
            path + ": truncated: " + fileSize + " bytes, fewer than the 8 of the header length");
      }
      ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, prefix, 0);
      long headerLength = prefix.getLong(0);
      if (headerLength < 0 || headerLength > fileSize - 8) {
        throw new HfFormatException(
            path
                + ": header length "
                + Long.toUnsignedString(headerLength)
                + " reaches beyond the file ("
                + fileSize
                + " bytes); the file is truncated or not safetensors");
      }
      if (headerLength > SafetensorsHeader.MAX_HEADER_BYTES) {
        throw new HfFormatException(
            path
                + ": header length "
                + headerLength
                + " exceeds the format's limit of "
                + SafetensorsHeader.MAX_HEADER_BYTES
                + " bytes");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8);
      long dataStart = 8 + headerLength;
      SafetensorsHeader header =
          SafetensorsHeader.parse(path.toString(), headerBytes.array(), fileSize - dataStart);
      return new SafetensorsFile(path, windowBytes, channel, dataStart, header);
    } catch (IOException e) {
      IOUtils.closeQuietly(channel); // the open failed already; that error is the one to report
      throw new UncheckedIOException("cannot read safetensors file " + path, e);
    } catch (RuntimeException e) {
      IOUtils.closeQuietly(channel);
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  public Map<String, String> metadata() {
    return header.metadata();
  }

  /** Tensor names in the order of their data in the file. */
  public List<String> tensorNames() {
    return List.copyOf(byName.keySet());
  }

  public List<SafetensorsEntry> entries() {
    return header.entries();
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  public SafetensorsEntry entry(String name) {
    SafetensorsEntry entry = byName.get(name);
    if (entry == null) {
      throw new HfFormatException(path + ": no tensor '" + name + "'");
    }
    return entry;
  }

  public StoredTensor tensor(String name) {
    return new StoredTensor(this, entry(name));
  }

  /** The tensor's elements converted to float (exact for F32, F16, BF16 and small integers). */
  public float[] readFloats(SafetensorsEntry entry) {
    checkOwn(entry);
    float[] values = new float[arrayLength(entry)];
    readFloats(entry, FloatBuffer.wrap(values));
    return values;
  }

  /**
   * Converts the tensor's elements to float into {@code target} from its position on, advancing it;
   * the target needs room for all of them.
   */
  public void readFloats(SafetensorsEntry entry, FloatBuffer target) {
    checkOwn(entry);
    if (target.remaining() < entry.elementCount()) {
      throw new IllegalArgumentException(
          path
              + ": tensor '"
              + entry.name()
              + "' has "
              + entry.elementCount()
              + " elements, the target room for "
              + target.remaining());
    }
    forEachWindow(entry, window -> ElementDecoder.decode(entry.dtype(), window, target));
  }

  /**
   * Copies the tensor's raw little-endian bytes into {@code target} from its position on, advancing
   * it: the path to keep a tensor in its stored dtype, bit for bit.
   */
  public void readBytes(SafetensorsEntry entry, ByteBuffer target) {
    checkOwn(entry);
    if (target.remaining() < entry.byteSize()) {
      throw new IllegalArgumentException(
          path
              + ": tensor '"
              + entry.name()
              + "' has "
              + entry.byteSize()
              + " bytes, the target room for "
              + target.remaining());
    }
    forEachWindow(entry, target::put);
  }

  /** The elements of an integer tensor (I64, I32, I16, I8, U8, BOOL) widened to long. */
  public long[] readLongs(SafetensorsEntry entry) {
    checkOwn(entry);
    if (entry.dtype().isFloatingPoint()) {
      throw new HfFormatException(
          path + ": tensor '" + entry.name() + "' is " + entry.dtype() + ", not an integer dtype");
    }
    long[] values = new long[arrayLength(entry)];
    int[] next = {0};
    forEachWindow(
        entry,
        window -> next[0] = ElementDecoder.decodeIntegers(entry.dtype(), window, values, next[0]));
    return values;
  }

  private void forEachWindow(SafetensorsEntry entry, Consumer<ByteBuffer> use) {
    long position = dataStart + entry.begin();
    long end = dataStart + entry.end();
    try {
      while (position < end) {
        long size = Math.min(windowBytes, end - position);
        MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, position, size);
        try {
          use.accept(mapping.order(ByteOrder.LITTLE_ENDIAN));
        } finally {
          Unmapper.unmap(mapping);
        }
        position += size;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read tensor '" + entry.name() + "'", e);
    }
  }

  private void checkOwn(SafetensorsEntry entry) {
    if (byName.get(entry.name()) != entry) {
      throw new IllegalArgumentException(
          "tensor '" + entry.name() + "' is not an entry of " + path);
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer target, long position)
      throws IOException {
    while (target.hasRemaining()) {
      int read = channel.read(target, position + target.position());
      if (read < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + path, e);
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }

  /** The tensor's element count as a Java array length, or an error naming the tensor. */
  private int arrayLength(SafetensorsEntry entry) {
    long count = entry.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new HfFormatException(
          path
              + ": tensor '"
              + entry.name()
              + "' has "
              + count
              + " elements, too many for one array");
    }
    return (int) count;
  }
}
