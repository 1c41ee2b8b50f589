package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** KubeVirt `kubevirt.io/v1` VirtualMachine. */
@Group("kubevirt.io")
@Version("v1")
@JsonIgnoreProperties(ignoreUnknown = true)
public class VirtualMachine extends CustomResource<VirtualMachineSpec, VirtualMachineStatus>
    implements Namespaced {}
