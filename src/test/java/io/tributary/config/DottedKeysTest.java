package io.tributary.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class DottedKeysTest {
  private static ObjectNode tree(String yaml) throws Exception {
    return DottedKeys.mapping(Yaml.mapper().readTree(yaml), "t.yaml");
  }

  @Test
  void aDottedKeyCreatesTheSectionsOnItsWayAndKeepsTheirOtherKeys() throws Exception {
    ObjectNode root = tree("grpo: {beta: 0.1}\n");

    DottedKeys.put(root, "grpo.sampling.topK", Yaml.mapper().valueToTree(20));

    assertThat(root.at("/grpo/sampling/topK").asInt()).isEqualTo(20);
    assertThat(root.at("/grpo/beta").asDouble()).isEqualTo(0.1);
  }

  @Test
  void aNullSectionIsAnEmptyOne() throws Exception {
    ObjectNode root = tree("grpo:\n");

    assertThat(DottedKeys.section(root, "grpo.sampling").isEmpty()).isTrue();
    assertThat(root.at("/grpo/sampling").isObject()).isTrue();
  }

  @Test
  void aKeyThatHoldsAValueIsNoSectionAndTheErrorNamesIt() throws Exception {
    ObjectNode root = tree("grpo: 3\n");

    assertThatThrownBy(() -> DottedKeys.put(root, "grpo.beta", TextNode.valueOf("x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("grpo.beta")
        .hasMessageContaining("grpo holds a value");
  }

  @Test
  void aConfigThatIsNoMappingIsRefusedNamingItsSource() {
    assertThatThrownBy(() -> DottedKeys.mapping(Yaml.mapper().readTree("- a\n"), "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("t.yaml");
  }
}
