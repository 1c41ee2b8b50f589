package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The part of `VirtualMachine.status` that virt-controller writes and this operator reads. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualMachineStatus(Boolean created, Boolean ready, String printableStatus) {}
