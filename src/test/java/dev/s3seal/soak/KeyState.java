package dev.s3seal.soak;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one key may hold, as far as its only writer knows. A successful write makes it certain; a
 * write that failed leaves the old value or the new one (S3's answer was lost, or came after the
 * upstream took the body), so both stay possible until a read shows which. A multipart completion
 * that failed after the upstream completed may also leave the object pending its seal, refused on
 * read (docs/resilience.md, known limits).
 */
final class KeyState {

    /** One value a key may hold. */
    sealed interface Held permits Absent, PendingSeal, SeededContent {}

    record Absent() implements Held {}

    record PendingSeal() implements Held {}

    static final Held ABSENT = new Absent();
    static final Held PENDING_SEAL = new PendingSeal();

    private final String key;
    private final Set<Held> possible = new LinkedHashSet<>(List.of(ABSENT));

    KeyState(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    synchronized void written(Held value) {
        possible.clear();
        possible.add(value);
    }

    synchronized void writeFailed(Held attempted) {
        possible.add(attempted);
    }

    synchronized void completionFailed(Held attempted) {
        possible.add(attempted);
        possible.add(PENDING_SEAL);
    }

    /** A read saw {@code value}: from now on the key holds it. */
    synchronized void observed(Held value) {
        written(value);
    }

    synchronized boolean mayBe(Held value) {
        return possible.contains(value);
    }

    synchronized Set<Held> possible() {
        return Set.copyOf(possible);
    }

    /** The content the key surely holds, if it is certain and not absent or pending. */
    synchronized Optional<SeededContent> certainContent() {
        return possible.size() == 1 && possible.iterator().next() instanceof SeededContent content
                ? Optional.of(content)
                : Optional.empty();
    }

    synchronized List<SeededContent> possibleContents() {
        return possible.stream()
                .filter(SeededContent.class::isInstance)
                .map(SeededContent.class::cast)
                .toList();
    }

    @Override
    public synchronized String toString() {
        return key + " " + possible;
    }
}
