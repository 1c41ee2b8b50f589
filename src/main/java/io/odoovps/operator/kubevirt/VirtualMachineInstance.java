package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * KubeVirt `kubevirt.io/v1` VirtualMachineInstance, the running instance of a VM. The operator only
 * deletes it, to restart a VM whose new plan needs a restart (virt-controller starts a new one).
 */
@Group("kubevirt.io")
@Version("v1")
@JsonIgnoreProperties(ignoreUnknown = true)
public class VirtualMachineInstance extends CustomResource<Void, Void> implements Namespaced {}
