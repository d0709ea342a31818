package io.tributary.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.config.ConfigException;
import io.tributary.config.DottedKeys;
import io.tributary.config.Yaml;
import io.tributary.model.GenerationDefaults;

/**
 * An imported model's sampling defaults as a run's: the temperature, top-p and top-k of its {@code
 * generation_config.json} (Qwen3 ships 0.6 / 0.95 / 20, tuned for its thinking mode) become {@code
 * grpo.sampling}'s values wherever the run config leaves the key out, as transformers' {@code
 * generate} and vLLM take them. A key the config sets wins. The result is an ordinary sampling
 * spec, so the rollout workers, the learner's logit temperature and every group's record carry the
 * same values, and the run's saved config.yaml holds them for a resume.
 */
final class ModelSamplingDefaults {
  private ModelSamplingDefaults() {}

  /** {@code bound} (from {@code yaml}) with the model's defaults where the text has no key. */
  static RunConfig fill(RunConfig bound, String yaml, String source) {
    boolean imported;
    try {
      imported = bound.model().isImported();
    } catch (ConfigException e) {
      return bound; // a model file that cannot be read: validate() names it before anything runs
    }
    if (!imported) {
      return bound;
    }
    GenerationDefaults defaults = bound.model().generationDefaults();
    JsonNode tree;
    try {
      tree = Yaml.mapper().readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + e.getOriginalMessage(), e);
    }
    ObjectNode root = DottedKeys.mapping(tree, source);
    ObjectNode sampling = DottedKeys.section(root, "grpo.sampling");
    boolean changed = false;
    if (!sampling.has("temperature") && defaults.temperature().isPresent()) {
      sampling.put("temperature", defaults.temperature().getAsDouble());
      changed = true;
    }
    if (!sampling.has("topP") && defaults.topP().isPresent()) {
      sampling.put("topP", defaults.topP().getAsDouble());
      changed = true;
    }
    if (!sampling.has("topK") && defaults.topK().isPresent()) {
      sampling.put("topK", defaults.topK().getAsInt());
      changed = true;
    }
    if (!changed) {
      return bound;
    }
    try {
      return Yaml.read(
          Yaml.mapper().writeValueAsString(root),
          RunConfig.class,
          source + " (with " + bound.model().location() + "'s generation_config.json)");
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + e.getOriginalMessage(), e);
    }
  }
}
