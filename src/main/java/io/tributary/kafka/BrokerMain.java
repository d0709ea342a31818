package io.tributary.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The entry point of a broker child JVM ({@link ChildKafka}): starts an {@link EmbeddedKafka} in
 * {@code <runDir>/kafka}, writes the address file, prints {@value #READY} and the address on one
 * line, then runs until its standard input closes. The parent holds the other end of that pipe, and
 * the operating system closes it when the parent dies, even by SIGKILL, so the broker cannot
 * outlive the program that started it.
 *
 * <p>Usage: {@code java -cp <classpath> io.tributary.kafka.BrokerMain <runDir> [port]}
 */
public final class BrokerMain {
  public static final String READY = "TRIBUTARY-KAFKA-READY";
  public static final String FAILED = "TRIBUTARY-KAFKA-FAILED";

  private BrokerMain() {}

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: BrokerMain <runDir> [port]");
      System.exit(2);
    }
    BrokerLayout layout = new BrokerLayout(Path.of(args[0]));
    EmbeddedKafka broker;
    try {
      int port = args.length == 2 ? Integer.parseInt(args[1]) : 0;
      broker = EmbeddedKafka.start(layout, port);
    } catch (RuntimeException e) {
      System.out.println(FAILED + " " + e);
      System.out.flush();
      e.printStackTrace();
      System.exit(1);
      return;
    }
    Runnable stop =
        () -> {
          layout.deleteAddress();
          broker.close();
        };
    // SIGTERM or Ctrl-C: stop cleanly too, so the log is not left mid-segment
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "kafka-broker-stop"));
    layout.writeAddress(broker.bootstrapServers());
    System.out.println(READY + " " + broker.bootstrapServers());
    System.out.flush();

    awaitEndOfInput(System.in);
    stop.run();
    System.exit(0);
  }

  private static void awaitEndOfInput(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // the parent writes nothing; anything it does write is ignored
      }
    } catch (IOException e) {
      // a broken pipe means the parent is gone: stop as on end of input
    }
  }
}
