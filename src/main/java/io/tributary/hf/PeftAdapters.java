package io.tributary.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.model.GradMode;
import io.tributary.model.HuggingFaceOrigin;
import io.tributary.model.LoraAdapters;
import io.tributary.model.LoraConfig;
import io.tributary.model.PolicyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * LoRA adapters in PEFT's layout, the one PEFT's PeftModel.from_pretrained and vLLM's LoRA loader
 * read (peft docs, developer_guides/checkpoint.md): {@code adapter_config.json} (peft_type LORA, r,
 * lora_alpha, lora_dropout, target_modules, base_model_name_or_path) and {@code
 * adapter_model.safetensors} with the tensors {@code base_model.model.<module>.lora_A.weight} (r,
 * in) and {@code ...lora_B.weight} (out, r), module being the Hugging Face module path of the
 * adapted projection ({@code model.layers.0.self_attn.q_proj}).
 */
public final class PeftAdapters {
  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";
  private static final String PREFIX = "base_model.model.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PeftAdapters() {}

  /**
   * Writes the adapters of {@code model}, a LoRA policy imported from Hugging Face, into {@code
   * out}; {@code baseModelNameOrPath} is what PEFT will load them over (a hub id or a directory).
   */
  public static void write(PolicyModel model, String baseModelNameOrPath, Path out) {
    LoraAdapters adapters = model.adapters();
    if (adapters == null) {
      throw new IllegalArgumentException("export --peft: the policy has no LoRA adapters");
    }
    HuggingFaceOrigin origin = origin(model);
    Map<String, String> moduleOf = new HashMap<>(); // plain name -> HF module path
    HfWeightNames.of(origin.modelType(), model.config())
        .forEach(
            (hf, plain) -> moduleOf.put(plain, hf.substring(0, hf.length() - ".weight".length())));
    List<OutputTensor> tensors = new ArrayList<>();
    List<String> modules = new ArrayList<>();
    for (LoraAdapters.Site site : adapters.sites()) {
      String module = moduleOf.get(site.name());
      if (module == null) {
        throw new IllegalArgumentException(
            "export --peft: "
                + site.name()
                + " has no Hugging Face module in the "
                + origin.modelType()
                + " layout");
      }
      modules.add(module);
      tensors.add(tensor(PREFIX + module + ".lora_A.weight", site.a().getArray()));
      tensors.add(tensor(PREFIX + module + ".lora_B.weight", site.b().getArray()));
    }
    LoraConfig lora = adapters.config();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("peft_type", "LORA");
    config.put("task_type", "CAUSAL_LM");
    config.put("base_model_name_or_path", baseModelNameOrPath);
    config.put("r", lora.rank());
    config.put("lora_alpha", number(lora.alpha()));
    config.put("lora_dropout", lora.dropout());
    config.put("target_modules", targetModules(modules, moduleOf.values()));
    config.put("bias", "none");
    config.put("fan_in_fan_out", false);
    config.put("use_rslora", false);
    config.put("use_dora", false);
    config.put("init_lora_weights", true);
    config.put("inference_mode", true);
    try {
      Files.createDirectories(out);
      SafetensorsWriter.write(out.resolve(WEIGHTS_FILE), tensors);
      Files.writeString(
          out.resolve(CONFIG_FILE),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
    } catch (IOException e) {
      throw new HfFormatException(out + ": PEFT export failed: " + e.getMessage(), e);
    }
  }

  /**
   * PEFT matches a target_modules entry against the end of each module path. The short names
   * (q_proj) when they select exactly the adapted modules, as a PEFT user writes them; otherwise,
   * say for adapters on some layers only, the full module paths, which select nothing else.
   */
  private static List<String> targetModules(List<String> adapted, Iterable<String> all) {
    Map<String, TreeSet<String>> byShortName = new TreeMap<>();
    for (String module : all) {
      byShortName
          .computeIfAbsent(module.substring(module.lastIndexOf('.') + 1), k -> new TreeSet<>())
          .add(module);
    }
    TreeSet<String> wanted = new TreeSet<>(adapted);
    TreeSet<String> covered = new TreeSet<>();
    List<String> shortNames = new ArrayList<>();
    for (Map.Entry<String, TreeSet<String>> e : byShortName.entrySet()) {
      if (wanted.containsAll(e.getValue())) {
        shortNames.add(e.getKey());
        covered.addAll(e.getValue());
      }
    }
    return covered.equals(wanted) ? shortNames : List.copyOf(wanted);
  }

  /**
   * Attaches to {@code base}, an imported Hugging Face model, the PEFT LoRA adapter in {@code dir}
   * and fills A and B from it: the adapted model PEFT would build over the same base.
   */
  public static LoraAdapters load(Path dir, PolicyModel base) {
    HuggingFaceOrigin origin = origin(base);
    Path configFile = dir.resolve(CONFIG_FILE);
    JsonNode config;
    try {
      config = JSON.readTree(Files.readString(configFile));
    } catch (IOException e) {
      throw new HfFormatException(configFile + ": cannot read a PEFT adapter config: " + e, e);
    }
    String peftType = text(config, "peft_type", configFile);
    if (!peftType.equals("LORA")) {
      throw new HfFormatException(configFile + ": peft_type " + peftType + ", expected LORA");
    }
    for (String unsupported : new String[] {"use_rslora", "use_dora", "fan_in_fan_out"}) {
      if (config.path(unsupported).asBoolean(false)) {
        throw new HfFormatException(
            configFile
                + ": "
                + unsupported
                + " is true; only plain LoRA (y = W x + alpha/r B A x)");
      }
    }
    for (String pattern : new String[] {"rank_pattern", "alpha_pattern"}) {
      if (config.path(pattern).size() > 0) {
        throw new HfFormatException(
            configFile + ": " + pattern + " is set; only one rank and alpha for every module");
      }
    }
    int rank = config.path("r").asInt(8);
    double alpha = config.path("lora_alpha").asDouble(8);
    double dropout = config.path("lora_dropout").asDouble(0);
    Map<String, String> plainOf = new HashMap<>(); // HF module path -> plain name
    HfWeightNames.of(origin.modelType(), base.config())
        .forEach(
            (hf, plain) -> plainOf.put(hf.substring(0, hf.length() - ".weight".length()), plain));
    Path weights = dir.resolve(WEIGHTS_FILE);
    try (SafetensorsFile file = SafetensorsFile.open(weights)) {
      Map<String, StoredTensor[]> bySite = new TreeMap<>();
      for (String name : file.tensorNames()) {
        boolean isA = name.endsWith(".lora_A.weight");
        if (!name.startsWith(PREFIX) || !(isA || name.endsWith(".lora_B.weight"))) {
          throw new HfFormatException(
              weights + ": tensor " + name + " is not base_model.model.MODULE.lora_{A,B}.weight");
        }
        String module = name.substring(PREFIX.length(), name.length() - ".lora_A.weight".length());
        String plain = plainOf.get(module);
        if (plain == null) {
          throw new HfFormatException(
              weights + ": tensor " + name + " adapts " + module + ", which the base has not");
        }
        bySite.computeIfAbsent(plain, k -> new StoredTensor[2])[isA ? 0 : 1] = file.tensor(name);
      }
      if (bySite.isEmpty()) {
        throw new HfFormatException(weights + ": no lora_A/lora_B tensors");
      }
      List<String> targets = bySite.keySet().stream().map(java.util.regex.Pattern::quote).toList();
      LoraAdapters adapters =
          base.attachAdapters(new LoraConfig(rank, alpha, dropout, targets, null));
      try (GradMode ignored = GradMode.disabled()) {
        for (LoraAdapters.Site site : adapters.sites()) {
          StoredTensor[] ab = bySite.get(site.name());
          fill(site.a().getArray(), ab[0], site.name() + " lora_A", weights);
          fill(site.b().getArray(), ab[1], site.name() + " lora_B", weights);
        }
      }
      return adapters;
    }
  }

  private static void fill(NDArray target, StoredTensor stored, String what, Path file) {
    if (stored == null) {
      throw new HfFormatException(file + ": " + what + " is missing");
    }
    Shape expected = target.getShape();
    if (!Arrays.equals(stored.shapeArray(), expected.getShape())) {
      throw new HfFormatException(
          file
              + ": "
              + stored.name()
              + " has shape "
              + stored.shape()
              + ", the model expects "
              + expected
              + " (is r in adapter_config.json right?)");
    }
    float[] values = stored.readFloats();
    if (target.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
      target.set(values);
      return;
    }
    try (ai.djl.ndarray.NDManager scratch = target.getManager().newSubManager()) {
      NDArray loaded = scratch.create(values, expected).toType(target.getDataType(), false);
      target.set(new ai.djl.ndarray.index.NDIndex("..."), loaded);
    }
  }

  private static HuggingFaceOrigin origin(PolicyModel model) {
    HuggingFaceOrigin origin = model.config().huggingFace();
    if (origin == null) {
      throw new IllegalArgumentException(
          "PEFT adapters: the policy was not imported from a Hugging Face directory, so its"
              + " projections have no Hugging Face module names");
    }
    return origin;
  }

  private static OutputTensor tensor(String name, NDArray array) {
    float[] values;
    try (GradMode ignored = GradMode.disabled();
        NDArray f = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
      values = f.toFloatArray();
    }
    return OutputTensor.of(name, SafetensorsDtype.F32, array.getShape().getShape(), values);
  }

  private static Object number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e9 ? (Object) (long) value : value;
  }

  private static String text(JsonNode node, String key, Path file) {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual()) {
      throw new HfFormatException(file + ": key " + key + " missing or not a string");
    }
    return v.asText();
  }
}
