package io.tributary.messages;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The messages travel as Flink stream elements with generic (Kryo) types disabled: each must be a
 * Flink POJO type whose fields all have Flink serializers (docs/engineering-notes.md, "Messages as
 * Flink POJOs"). The test lives here, beside the records, and only the test imports Flink.
 */
class MessagesAreFlinkPojosTest {
  @ParameterizedTest
  @MethodSource("io.tributary.messages.MessageCodecTest#everyKindOfMessage")
  void everyMessageIsAFlinkPojoThatSurvivesItsSerializerWithGenericTypesOff(Message message)
      throws Exception {
    @SuppressWarnings("unchecked")
    TypeInformation<Message> type =
        (TypeInformation<Message>) TypeInformation.of(message.getClass());
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    TypeSerializer<Message> serializer = type.createSerializer(config);

    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(message, out);
    Message back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

    assertThat(type).isInstanceOf(PojoTypeInfo.class);
    assertThat(back).isEqualTo(message);
  }
}
