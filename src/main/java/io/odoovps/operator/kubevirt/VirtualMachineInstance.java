package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * KubeVirt `kubevirt.io/v1` VirtualMachineInstance, the running instance of a VM. The operator
 * deletes it, to restart a VM whose new plan needs a restart (virt-controller starts a new one),
 * and reads where it runs and whether its guest agent is connected.
 */
@Group("kubevirt.io")
@Version("v1")
@JsonIgnoreProperties(ignoreUnknown = true)
public class VirtualMachineInstance extends CustomResource<Void, VirtualMachineInstance.Status>
    implements Namespaced {

  /** KubeVirt sets this condition while the guest agent answers on its channel. */
  public static final String AGENT_CONNECTED = "AgentConnected";

  /** The part of the instance's status the operator reads. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(String nodeName, List<Condition> conditions) {

    public boolean agentConnected() {
      return conditions != null
          && conditions.stream()
              .anyMatch(c -> AGENT_CONNECTED.equals(c.type()) && "True".equals(c.status()));
    }
  }

  /** An instance condition. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Condition(String type, String status) {}
}
