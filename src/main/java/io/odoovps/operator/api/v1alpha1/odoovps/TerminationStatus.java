package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the termination deleted, and when. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TerminationStatus(
    @JsonPropertyDescription("Why: `Requested` (spec.termination) or `FixedTermEnded`.")
        String cause,
    @JsonPropertyDescription("When the operator started deleting.") String startedAt,
    @JsonPropertyDescription("When everything was verified gone.") String completedAt,
    @JsonPropertyDescription("The objects the operator deleted, as kind/name.")
        List<String> deleted) {}
