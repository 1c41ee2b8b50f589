package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The part of `VirtualMachine.status` that virt-controller writes and this operator reads. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualMachineStatus(
    Boolean created, Boolean ready, String printableStatus, List<VmCondition> conditions) {

  /** KubeVirt sets this condition when a spec change needs a restart to take effect. */
  public static final String RESTART_REQUIRED = "RestartRequired";

  public VirtualMachineStatus(Boolean created, Boolean ready, String printableStatus) {
    this(created, ready, printableStatus, null);
  }

  public boolean restartRequired() {
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> RESTART_REQUIRED.equals(c.type()) && "True".equals(c.status()));
  }

  /** A VirtualMachine condition. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record VmCondition(String type, String status, String reason, String message) {}
}
