package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/** An entry of `VirtualMachine.spec.dataVolumeTemplates`: a CDI DataVolume created with the VM. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DataVolumeTemplate(ObjectMeta metadata, Spec spec) {

  /** `DataVolumeSpec`: where the disk's first content comes from, and its storage. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(Source source, Storage storage) {}

  /** `DataVolumeSource`: one of registry, http or blank. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Source(Registry registry, Http http) {}

  /** `DataVolumeSourceRegistry`: a container disk image, `docker://…` or `oci-archive://…`. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Registry(String url) {}

  /** `DataVolumeSourceHTTP`: a disk image served over HTTP(S). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Http(String url) {}

  /** `StorageSpec`: the size and class of the PVC that CDI creates. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Storage(List<String> accessModes, Resources resources, String storageClassName) {}

  /** Resource requests of the PVC; only `storage` is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Resources(Map<String, String> requests) {}
}
