package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The end of a fixed term (article 11): the VPS is suspended and its data kept for a grace period,
 * then deleted by the termination path unless the term is extended.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContractEndStatus(
    @JsonPropertyDescription("The spec.billing.end that ended the term.") String termEnd,
    @JsonPropertyDescription(
            "When the operator first saw the term ended; the grace counts from here, never from a"
                + " past spec.billing.end.")
        String endedAt,
    @JsonPropertyDescription(
            "When the VPS and its data are deleted unless spec.billing is extended (a later end,"
                + " or mode Subscription).")
        String deleteAt,
    @JsonPropertyDescription(
            "True when spec.billing.end was already past when the operator first saw it: the VPS"
                + " was held (suspended), not deleted.")
        Boolean held) {}
