package io.tributary.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The job jar users get from {@code mvn -Pcluster package}, assembled for tests that run under
 * {@code mvn test}, which does not package. The selection is read from the pom's {@code cluster}
 * profile, so it cannot drift from it: the shade plugin's {@code artifactSet} includes pick the
 * entries of the test class path (this project's classes and the dependency jars they name), its
 * filter excludes drop files, and its two transformers are mirrored here: {@code META-INF/services}
 * files are merged, and the manifest names the main class. As with shade, the first copy of a
 * duplicated file wins.
 *
 * <p>Why not shade in an earlier phase: the shade plugin rewrites the project's main artifact,
 * which exists only from {@code package} on, and a 100 MiB shade on every test-compile would slow
 * every build for the few tests that need it.
 */
final class ShadedJobJar {
  private static final Path POM = Path.of("pom.xml");
  private static final Path JAR = Path.of("target", "cluster-test", "tributary-job.jar");

  private ShadedJobJar() {}

  /** The jar, assembled once and reused while no input is newer than it. */
  static synchronized Path get() {
    Selection selection = Selection.fromPom(POM);
    List<Path> inputs = selection.inputs(System.getProperty("java.class.path"));
    try {
      if (Files.exists(JAR) && newest(inputs).compareTo(Files.getLastModifiedTime(JAR)) < 0) {
        return JAR.toAbsolutePath();
      }
      Files.createDirectories(JAR.getParent());
      Path partial = JAR.resolveSibling(JAR.getFileName() + ".partial");
      write(partial, inputs, selection);
      Files.move(partial, JAR, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot assemble " + JAR, e);
    }
    return JAR.toAbsolutePath();
  }

  /** What the pom's cluster profile selects: artifact patterns, excluded files, the main class. */
  record Selection(List<String> includes, List<String> excludes, String mainClass) {
    static Selection fromPom(Path pom) {
      try {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        NodeList profiles = doc.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
          Element profile = (Element) profiles.item(i);
          if ("cluster".equals(text(profile, "id"))) {
            return new Selection(
                texts(profile, "include"), texts(profile, "exclude"), text(profile, "mainClass"));
          }
        }
        throw new IllegalStateException(pom + ": no profile 'cluster'");
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the cluster profile of " + pom, e);
      }
    }

    /** The class-path entries the includes select, in class-path order. */
    List<Path> inputs(String classPath) {
      List<Path> selected = new ArrayList<>();
      for (String entry : classPath.split(File.pathSeparator)) {
        Path path = Path.of(entry);
        boolean ownClasses =
            Files.isDirectory(path) && path.toAbsolutePath().endsWith(Path.of("target", "classes"));
        if ((ownClasses && includes.contains("io.tributary:tributary"))
            || (!Files.isDirectory(path) && includes.stream().anyMatch(i -> selects(i, path)))) {
          selected.add(path);
        }
      }
      return selected;
    }

    private static boolean selects(String include, Path jar) {
      String[] ga = include.split(":");
      if (ga[1].equals("*")) {
        return MavenJar.matches(jar, ga[0], "");
      }
      return MavenJar.matches(jar, ga[0], ga[1])
          && jar.getParent().getParent().getFileName().toString().equals(ga[1]);
    }

    boolean excluded(String name) {
      for (String glob : excludes) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        if (m.matches(Path.of(name))) {
          return true;
        }
      }
      return false;
    }
  }

  private static void write(Path out, List<Path> inputs, Selection selection) throws IOException {
    Set<String> seen = new HashSet<>();
    Map<String, StringBuilder> services = new LinkedHashMap<>();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, selection.mainClass());
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out), manifest)) {
      // libtorch's natives dominate the size; the fastest level keeps assembly to seconds
      jar.setLevel(Deflater.BEST_SPEED);
      seen.add("META-INF/MANIFEST.MF");
      for (Path input : inputs) {
        if (Files.isDirectory(input)) {
          try (Stream<Path> files = Files.walk(input)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
              String name = input.relativize(file).toString().replace(File.separatorChar, '/');
              try (InputStream in = Files.newInputStream(file)) {
                copy(jar, name, in, seen, services, selection);
              }
            }
          }
        } else {
          try (ZipFile zip = new ZipFile(input.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
              if (!entry.isDirectory()) {
                try (InputStream in = zip.getInputStream(entry)) {
                  copy(jar, entry.getName(), in, seen, services, selection);
                }
              }
            }
          }
        }
      }
      for (Map.Entry<String, StringBuilder> service : services.entrySet()) {
        jar.putNextEntry(new JarEntry(service.getKey()));
        jar.write(service.getValue().toString().getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
      }
    }
  }

  private static void copy(
      JarOutputStream jar,
      String name,
      InputStream in,
      Set<String> seen,
      Map<String, StringBuilder> services,
      Selection selection)
      throws IOException {
    if (name.equalsIgnoreCase("META-INF/MANIFEST.MF") || selection.excluded(name)) {
      return;
    }
    if (name.startsWith("META-INF/services/") && name.indexOf('/', 18) < 0) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      StringBuilder merged = services.computeIfAbsent(name, k -> new StringBuilder());
      merged.append(text);
      if (!text.endsWith("\n")) {
        merged.append('\n');
      }
      return;
    }
    if (!seen.add(name)) {
      return;
    }
    jar.putNextEntry(new JarEntry(name));
    in.transferTo((OutputStream) jar);
    jar.closeEntry();
  }

  private static FileTime newest(List<Path> inputs) throws IOException {
    FileTime newest = Files.getLastModifiedTime(POM);
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        try (Stream<Path> files = Files.walk(input)) {
          for (Path f : files.toList()) {
            FileTime t = Files.getLastModifiedTime(f);
            newest = t.compareTo(newest) > 0 ? t : newest;
          }
        }
      } else {
        FileTime t = Files.getLastModifiedTime(input);
        newest = t.compareTo(newest) > 0 ? t : newest;
      }
    }
    return newest;
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
  }

  private static List<String> texts(Element parent, String tag) {
    List<String> out = new ArrayList<>();
    NodeList nodes = parent.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      out.add(n.getTextContent().strip());
    }
    return out;
  }
}
