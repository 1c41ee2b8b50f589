package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * `VirtualMachine.spec`: the run strategy, the DataVolumes created with the VM, and the template of
 * its instances.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualMachineSpec(
    String runStrategy,
    List<DataVolumeTemplate> dataVolumeTemplates,
    VirtualMachineInstanceTemplate template) {

  /** The run strategies this operator uses. */
  public static final String RUN_ALWAYS = "Always";

  public static final String RUN_HALTED = "Halted";
}
