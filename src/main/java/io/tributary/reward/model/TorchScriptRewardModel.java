package io.tributary.reward.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.tributary.config.ConfigException;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GradMode;
import io.tributary.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A reward model the user brings: a TorchScript file loaded offline by DJL's PyTorch engine and
 * described by a {@link TorchScriptDescriptor}. Scores whole batches in one forward call. Not
 * thread safe (a DJL predictor is not).
 */
public final class TorchScriptRewardModel implements AutoCloseable {
  private final TorchScriptDescriptor descriptor;
  private final Path descriptorFile;
  private final Model model;
  private final Predictor<NDList, NDList> predictor;
  private final Tokenizer tokenizer;

  private TorchScriptRewardModel(
      TorchScriptDescriptor descriptor, Path descriptorFile, Model model, Tokenizer tokenizer) {
    this.descriptor = descriptor;
    this.descriptorFile = descriptorFile;
    this.model = model;
    this.predictor = model.newPredictor(new NoopTranslator());
    this.tokenizer = tokenizer;
  }

  /** Loads the descriptor {@code file} and the TorchScript model it names onto {@code device}. */
  public static TorchScriptRewardModel load(Path file, DeviceChoice device) {
    TorchScriptDescriptor descriptor = TorchScriptDescriptor.read(file);
    Path dir = file.toAbsolutePath().getParent();
    Path modelFile = dir.resolve(descriptor.model());
    if (!Files.isRegularFile(modelFile)) {
      throw new ConfigException(
          file + ": model: got '" + descriptor.model() + "', but " + modelFile + " is no file");
    }
    Tokenizer tokenizer;
    try {
      tokenizer = descriptor.tokenizer().open(dir);
    } catch (ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
    Device target = device.resolve();
    Model model = Model.newInstance("torchscript-reward", target, "PyTorch");
    try {
      model.load(modelFile);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      tokenizer.close();
      throw new ConfigException(
          modelFile + ": not a TorchScript model DJL's PyTorch engine can load: " + e.getMessage(),
          e);
    }
    return new TorchScriptRewardModel(descriptor, file, model, tokenizer);
  }

  public TorchScriptDescriptor descriptor() {
    return descriptor;
  }

  /** One score per (prompt, completion), as the model returns it (after the sigmoid if set). */
  public float[] score(List<String> prompts, List<String> completions) {
    if (prompts.isEmpty()) {
      return new float[0];
    }
    int b = prompts.size();
    int[][] rows = new int[b][];
    int width = 1;
    for (int i = 0; i < b; i++) {
      rows[i] = encode(prompts.get(i), completions.get(i));
      width = Math.max(width, rows[i].length);
    }
    long[] ids = new long[b * width];
    long[] mask = new long[b * width];
    Arrays.fill(ids, tokenizer.pad());
    for (int i = 0; i < b; i++) {
      int offset = descriptor.padding() == PaddingSide.LEFT ? width - rows[i].length : 0;
      for (int j = 0; j < rows[i].length; j++) {
        ids[i * width + offset + j] = rows[i][j];
        mask[i * width + offset + j] = 1;
      }
    }
    try (GradMode ignored = GradMode.disabled();
        NDManager call = model.getNDManager().newSubManager()) {
      NDList inputs = new NDList(call.create(ids, new Shape(b, width)));
      if (descriptor.attentionMask()) {
        inputs.add(call.create(mask, new Shape(b, width)));
      }
      NDList outputs = predictor.predict(inputs);
      outputs.attach(call);
      return scores(outputs, b);
    } catch (TranslateException e) {
      throw new IllegalStateException(descriptorFile + ": the model failed: " + e.getMessage(), e);
    }
  }

  private float[] scores(NDList outputs, int b) {
    if (outputs.isEmpty()) {
      throw new IllegalStateException(descriptorFile + ": the model returned no output");
    }
    NDArray out = outputs.get(0);
    Shape expected = descriptor.output() == ScoreShape.B ? new Shape(b) : new Shape(b, 1);
    if (!out.getShape().equals(expected)) {
      throw new IllegalStateException(
          descriptorFile
              + ": output: the model returned shape "
              + out.getShape()
              + ", the descriptor promises "
              + expected);
    }
    NDArray flat = out.reshape(b).toType(DataType.FLOAT32, false);
    return (descriptor.sigmoid() ? Activation.sigmoid(flat) : flat).toFloatArray();
  }

  private int[] encode(String prompt, String completion) {
    int[] text = tokenizer.encode(prompt + completion);
    int[] row;
    if (descriptor.addSpecialTokens()) {
      row = new int[text.length + 2];
      row[0] = tokenizer.bos();
      System.arraycopy(text, 0, row, 1, text.length);
      row[row.length - 1] = tokenizer.eos();
    } else {
      row = text;
    }
    int max = descriptor.maxLength();
    return row.length <= max ? row : Arrays.copyOfRange(row, row.length - max, row.length);
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
    tokenizer.close();
  }
}
