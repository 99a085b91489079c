package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Reading another system's Java serialization bytes through the {@code java} codec's allow-list. */
class JavaSerializedValuesTest {
    /** Counts how often it is deserialized: a refused class must never get that far. */
    static final class Unlisted implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READS.incrementAndGet();
        }
    }

    private static byte[] serialized(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Test
    void readsJdkValueTypes() {
        JavaSerializedValues values = JavaSerializedValues.allowing("");
        assertThat(values.read("n", serialized(42L))).isEqualTo(42L);
        assertThat(values.read("s", serialized("text"))).isEqualTo("text");
        assertThat(values.read("l", serialized(new ArrayList<>(List.of("a", 1)))))
                .isEqualTo(List.of("a", 1));
        assertThat(values.read("null", serialized(null))).isNull();
    }

    @Test
    void refusesAnUnlistedClassBeforeInstantiatingItAndNamesIt() {
        JavaSerializedValues values = JavaSerializedValues.allowing("com.example.*");
        byte[] bytes = serialized(new Unlisted());
        assertThatThrownBy(() -> values.read("cart", bytes))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("attribute 'cart'")
                .hasMessageContaining("class " + Unlisted.class.getName() + " is not on the allow-list");
        assertThat(Unlisted.READS).hasValue(0);
    }

    @Test
    void readsAClassTheListAllows() {
        JavaSerializedValues values = JavaSerializedValues.allowing(Unlisted.class.getName());
        assertThat(values.read("x", serialized(new Unlisted()))).isInstanceOf(Unlisted.class);
        assertThat(values.pattern()).contains(Unlisted.class.getName()).endsWith(";!*");
    }

    @Test
    void bytesThatAreNoJavaStreamAreACodecError() {
        assertThatThrownBy(() -> JavaSerializedValues.allowing("").read("x", new byte[] {1, 2, 3}))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("attribute 'x'");
    }

    @Test
    void aStreamBeyondALimitSaysSoRatherThanBlamingAnAllowedClass() {
        List<Object> deep = new ArrayList<>();
        List<Object> at = deep;
        for (int i = 0; i < 40; i++) { // maxdepth=32
            List<Object> inner = new ArrayList<>();
            at.add(inner);
            at = inner;
        }
        byte[] bytes = serialized(deep);
        assertThatThrownBy(() -> JavaSerializedValues.allowing("").read("deep", bytes))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("exceeds a limit (maxdepth=32")
                .hasMessageNotContaining("not on the allow-list");
    }
}
