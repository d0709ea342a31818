package io.tributary.experiment;

import static io.tributary.config.ConfigException.badValue;

import io.tributary.config.Yaml;
import io.tributary.grpo.GrpoConfig;
import io.tributary.reward.RewardsConfig;
import io.tributary.tasks.Operator;
import java.nio.file.Path;
import java.util.List;

/**
 * The learning demonstration: data, SFT cold start, GRPO beside an equal-time SFT continuation,
 * evaluation and report. Paths are relative to the working directory.
 *
 * @param model model config YAML
 * @param task arithmetic task settings and split sizes
 * @param sftSteps optimizer steps of the SFT cold start (skipped when runDir has sft.ckpt); steps,
 *     not seconds, so the starting checkpoint does not depend on how busy the machine is
 * @param sftBatch SFT batch size
 * @param sftLearningRate peak SFT learning rate
 * @param grpo the GRPO learner
 * @param rewards reward functions and weights
 * @param budgetSeconds training wall time of GRPO, and of the SFT continuation beside it
 * @param evalEverySeconds held-out evaluation interval (evaluation time is not counted)
 * @param evalPrompts held-out prompts evaluated
 * @param passK samples per held-out prompt (pass@1 is their mean, pass@k any-correct)
 * @param compareSft run the equal-time SFT continuation
 * @param seed everything's seed
 */
public record DemoConfig(
    Path model,
    TaskConfig task,
    Integer sftSteps,
    Integer sftBatch,
    Double sftLearningRate,
    GrpoConfig grpo,
    RewardsConfig rewards,
    Integer budgetSeconds,
    Integer evalEverySeconds,
    Integer evalPrompts,
    Integer passK,
    Boolean compareSft,
    Long seed) {

  public DemoConfig {
    model = model != null ? model : Path.of("configs/model/small.yaml");
    task = task != null ? task : new TaskConfig(null, null, null, null, null, null, null);
    sftSteps = sftSteps != null ? sftSteps : 1500;
    sftBatch = sftBatch != null ? sftBatch : 64;
    sftLearningRate = sftLearningRate != null ? sftLearningRate : 2e-3;
    grpo = grpo != null ? grpo : GrpoConfig.defaults();
    budgetSeconds = budgetSeconds != null ? budgetSeconds : 600;
    evalEverySeconds = evalEverySeconds != null ? evalEverySeconds : 60;
    evalPrompts = evalPrompts != null ? evalPrompts : 300;
    passK = passK != null ? passK : 8;
    compareSft = compareSft != null ? compareSft : true;
    seed = seed != null ? seed : 1L;
    if (rewards == null) {
      throw badValue("rewards", null, "a list of reward functions (see docs/rewards.md)");
    }
    if (sftSteps < 0) {
      throw badValue("sftSteps", sftSteps, "0 or more");
    }
    if (budgetSeconds <= 0) {
      throw badValue("budgetSeconds", budgetSeconds, "a positive number of seconds");
    }
    if (evalEverySeconds <= 0) {
      throw badValue("evalEverySeconds", evalEverySeconds, "a positive number of seconds");
    }
    if (evalPrompts <= 0 || evalPrompts > task.heldout()) {
      throw badValue("evalPrompts", evalPrompts, "between 1 and task.heldout=" + task.heldout());
    }
    if (passK < 1) {
      throw badValue("passK", passK, "1 or more");
    }
  }

  /**
   * @param operands numbers per expression
   * @param maxOperand largest number
   * @param operators allowed operators
   * @param maxIntermediate largest intermediate result
   * @param noise probability that an SFT trace step is off by one
   * @param train training prompts
   * @param heldout held-out prompts, never trained on
   */
  public record TaskConfig(
      Integer operands,
      Integer maxOperand,
      List<Operator> operators,
      Integer maxIntermediate,
      Double noise,
      Integer train,
      Integer heldout) {
    public TaskConfig {
      operands = operands != null ? operands : 3;
      maxOperand = maxOperand != null ? maxOperand : 50;
      operators =
          operators != null ? List.copyOf(operators) : List.of(Operator.PLUS, Operator.MINUS);
      maxIntermediate = maxIntermediate != null ? maxIntermediate : 99;
      noise = noise != null ? noise : 0.2;
      train = train != null ? train : 20_000;
      heldout = heldout != null ? heldout : 300;
      if (!(noise >= 0 && noise <= 1)) {
        throw badValue("noise", noise, "a probability in [0, 1]");
      }
      if (train < 1 || heldout < 1) {
        throw badValue("train/heldout", train + "/" + heldout, "positive split sizes");
      }
    }
  }

  public static DemoConfig load(Path file) {
    return Yaml.read(file, DemoConfig.class);
  }
}
