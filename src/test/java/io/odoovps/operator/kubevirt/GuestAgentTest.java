package io.odoovps.operator.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuestAgentTest {

  @Test
  void theRootFileSystemIsReadFromVirtApisFileSystemList() {
    // the shape of virt-api's filesystemlist (kubevirt.io/api v1.7.0,
    // VirtualMachineInstanceFileSystemList)
    var body =
        """
        {"items":[
          {"diskName":["vda"],"mountPoint":"/boot/efi","fileSystemType":"vfat",
           "usedBytes":6291456,"totalBytes":129718272},
          {"diskName":["vda"],"mountPoint":"/","fileSystemType":"ext4",
           "usedBytes":1900000000,"totalBytes":4101234688,"disk":[{"busType":"virtio"}]}
        ]}
        """;
    assertThat(GuestAgent.rootOf(body)).contains(4101234688L);
  }

  @Test
  void noRootNoBodyOrABodyThatIsNotTheListIsNoReading() {
    assertThat(GuestAgent.rootOf("{\"items\":[{\"mountPoint\":\"/srv\",\"totalBytes\":1}]}"))
        .isEmpty();
    assertThat(GuestAgent.rootOf("{\"items\":null}")).isEmpty();
    assertThat(GuestAgent.rootOf("")).isEmpty();
    assertThat(GuestAgent.rootOf(null)).isEmpty();
    assertThat(GuestAgent.rootOf("not json")).isEmpty();
  }

  @Test
  void thePathIsVirtApisSubresource() {
    assertThat(GuestAgent.fileSystemListPath("shop", "acme"))
        .isEqualTo(
            "/apis/subresources.kubevirt.io/v1/namespaces/shop/virtualmachineinstances/acme"
                + "/filesystemlist");
  }
}
