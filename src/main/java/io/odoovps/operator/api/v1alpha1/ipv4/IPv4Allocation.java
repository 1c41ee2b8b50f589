package io.odoovps.operator.api.v1alpha1.ipv4;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One public IPv4 address held by one VPS for its whole life. Cluster-scoped and named by the
 * address itself, so the API server's name uniqueness guarantees that two VPSs never share one.
 * Written by the operator only; released on termination.
 */
@Group("odoovps.io")
@Version("v1alpha1")
@ShortNames("ovpsipv4")
@Categories("odoovps-all")
@JsonClassDescription(
    "The fixed public IPv4 address of one VPS, named after the address (cluster-scoped, so an address is held once cluster-wide). Created by the operator when a VPS gets its address and released only by the VPS's termination.")
@AdditionalPrinterColumn(name = "Location", jsonPath = ".spec.location")
@AdditionalPrinterColumn(name = "Namespace", jsonPath = ".spec.vps.namespace")
@AdditionalPrinterColumn(name = "VPS", jsonPath = ".spec.vps.name")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class IPv4Allocation extends CustomResource<IPv4AllocationSpec, Void> {}
