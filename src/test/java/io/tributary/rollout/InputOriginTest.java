package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputOriginTest {
  @Test
  void aGroupIdGivesBackTheTopicPositionItWasSampledFrom() {
    InputOrigin origin = InputOrigin.topic("prompts", 3, 1042);
    String groupId = origin.groupId("q7@odd");
    assertThat(groupId).isEqualTo("q7@odd@p3o1042");
    assertThat(InputOrigin.topicOfGroupId(groupId, "prompts")).contains(origin);
  }

  @Test
  void fileGroupIdsAndForeignIdsNameNoTopicPosition() {
    assertThat(InputOrigin.topicOfGroupId(InputOrigin.fileLine("p.jsonl", 17).groupId("q"), "t"))
        .isEmpty();
    assertThat(InputOrigin.topicOfGroupId("no-tag", "t")).isEmpty();
    assertThat(InputOrigin.topicOfGroupId("q@p1o", "t")).isEmpty();
  }
}
