package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/**
 * One contract notice to the customer (suspension, resumption, identity check, end of term,
 * termination, plan change): delivered at least once, retried with backoff until it is, and never
 * twice for the same event (its key).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NoticeStatus(
    @JsonPropertyDescription("The event it tells of, e.g. SUSPENDED@2026-03-01T10:00:00Z.")
        String key,
    @JsonPropertyDescription("The kind of notice.") String notice,
    @JsonPropertyDescription("The values of its template (never a secret).")
        Map<String, String> values,
    @JsonPropertyDescription("When it was due first.") String queuedAt,
    @JsonPropertyDescription("Delivery attempts so far.") Integer attempts,
    @JsonPropertyDescription("When the next attempt is due, while it is not delivered.")
        String nextAttemptAt,
    @JsonPropertyDescription("When it was delivered to the mail server.") String sentAt,
    @JsonPropertyDescription("Why the last attempt failed (the mail server's answer).")
        String lastError) {}
