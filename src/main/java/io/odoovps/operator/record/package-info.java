/**
 * The contract record: a copy of each VPS's contract state that a customer could otherwise reset by
 * deleting or wiping an object (port-25 blocks, the DDoS window, suspensions and doNotResume, the
 * traffic of the cycle, the month's downtime), kept in a ConfigMap per VPS in the operator's own
 * namespace, out of the customer's reach. It is written when that state changes and read when an
 * object comes without it (new, recreated, or its status wiped); the termination path deletes it.
 */
package io.odoovps.operator.record;
