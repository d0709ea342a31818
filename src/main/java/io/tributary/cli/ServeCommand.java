package io.tributary.cli;

import io.tributary.hf.ModelSources;
import io.tributary.model.DeviceChoice;
import io.tributary.serve.OpenAiServer;
import io.tributary.serve.ServedModel;
import io.tributary.serve.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tributary serve (--policy CHECKPOINT | --hf DIR)}: an OpenAI-compatible server. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serves a policy over the OpenAI API (/v1/models, /v1/completions, /v1/chat/completions,"
            + " streaming by server-sent events), batching concurrent requests, until stopped.")
public final class ServeCommand implements Callable<Integer> {
  @ArgGroup(multiplicity = "1")
  Source source;

  /** Exactly one of a Tributary checkpoint and a Hugging Face directory. */
  static final class Source {
    @Option(
        names = "--policy",
        paramLabel = "CHECKPOINT",
        description = "a Tributary checkpoint file (policy-*.ckpt of a run, or an SFT checkpoint)")
    Path policy;

    @Option(
        names = "--hf",
        paramLabel = "DIR",
        description = "a Hugging Face model directory (config.json, safetensors, tokenizer files)")
    Path hf;
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--dtype",
      paramLabel = "float32|float16",
      description =
          "with --hf: how the served weights are stored (default float32); float16 halves the"
              + " projections' bytes (serving only samples, so nothing is trained in it)")
  String dtype;

  @Option(names = "--port", defaultValue = "8000", description = "port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all)")
  String host;

  @Option(
      names = "--model-name",
      description = "the model id clients send (default: the checkpoint's file name)")
  String modelName;

  @Option(
      names = "--max-batch",
      defaultValue = "32",
      description = "most choices sampled in one batch (default: ${DEFAULT-VALUE})")
  int maxBatch;

  @Option(
      names = "--batch-wait-ms",
      defaultValue = "10",
      description =
          "how long a request waits for others to share its batch (default: ${DEFAULT-VALUE})")
  long batchWaitMillis;

  @Option(names = "--device", description = "auto, cpu or gpu (default: the checkpoint's)")
  DeviceChoice device;

  @Override
  public Integer call() throws Exception {
    ServedModel model = load();
    ServerConfig settings = new ServerConfig(host, port, maxBatch, batchWaitMillis);
    OpenAiServer server = OpenAiServer.start(model, settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  model.close();
                  stopped.countDown();
                }));
    System.out.println("serving '" + model.id() + "' at " + server.baseUri() + " (Ctrl-C to stop)");
    stopped.await();
    return 0;
  }

  private ServedModel load() {
    if (dtype != null && source.hf == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--dtype: needs --hf (a checkpoint keeps the dtype it was saved in)");
    }
    return source.hf != null
        ? ServedModel.fromHuggingFace(
            source.hf,
            modelName,
            device,
            dtype == null ? null : ModelSources.dtype("--dtype", dtype))
        : ServedModel.fromCheckpoint(source.policy, modelName, device);
  }
}
