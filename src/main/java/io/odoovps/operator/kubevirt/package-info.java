/**
 * Typed model of the KubeVirt and CDI fields this operator writes and reads. KubeVirt publishes no
 * Java client, so these classes carry only what the operator uses; unknown fields sent back by the
 * API server are ignored. Tests apply them to an API server that has the real upstream CRDs
 * installed, so a wrong field name or type fails a test.
 */
package io.odoovps.operator.kubevirt;
