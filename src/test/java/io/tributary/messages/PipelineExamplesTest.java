package io.tributary.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example messages in pipeline/examples are valid against their schemas and decode. */
class PipelineExamplesTest {
  static final Path EXAMPLES = Path.of("pipeline", "examples");

  @Test
  void everyExamplePromptIsValidAndDecodes() throws IOException {
    List<String> lines =
        Files.readAllLines(EXAMPLES.resolve("arithmetic-prompts.jsonl")).stream()
            .filter(l -> !l.isBlank())
            .toList();

    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      assertThat(SchemaFiles.violations(PromptMessage.class, line)).as(line).isEmpty();
      assertThat(MessageCodec.decode(line, PromptMessage.class).promptId()).isNotBlank();
    }
  }

  @Test
  void theExampleScoredGroupIsValidAndDecodes() throws IOException {
    String json = Files.readString(EXAMPLES.resolve("scored-group.json"));

    assertThat(SchemaFiles.violations(ScoredGroup.class, json)).isEmpty();
    ScoredGroup group = MessageCodec.decode(json, ScoredGroup.class);
    assertThat(group.members()).hasSize(group.sampling().groupSize());
    assertThat(group.isScored()).isTrue();
    assertThat(group.promptRouting().tokens()).isEqualTo(group.promptTokenIds().length - 1);
    assertThat(group.members())
        .allSatisfy(m -> assertThat(m.routing().tokens()).isEqualTo(m.length()));
  }
}
