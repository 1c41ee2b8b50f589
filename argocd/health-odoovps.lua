-- Argo CD health check for odoovps.io/v1alpha1 OdooVps.
-- Install it in argocd-cm as resource.customizations.health.odoovps.io_OdooVps (see README.md).
-- Argo CD runs it with gopher-lua: `obj` is the live object; only base, string and table are used.
--
-- The order matters: the first rule that matches decides.
--   no status yet                                        -> Progressing
--   DeletionBlocked=True (deleted without termination)   -> Degraded
--   Ready=False with reason ReconcileError               -> Degraded (the operator fails)
--   status.observedGeneration < metadata.generation      -> Progressing (spec not observed yet)
--   phase Terminating / Restoring                        -> Progressing
--   phase Terminated                                     -> Degraded (remove the record from Git)
--   SpecValid=False, phase Invalid                       -> Degraded (the last valid VM keeps running)
--   phase Pending (no IPv4 left in the location's pool)  -> Degraded
--   phase Suspended / Isolated                           -> Suspended
--   an ongoing outage of a VPS meant to run              -> Degraded
--   PlanChangeApplied=False DeadlineMissed, AccessCodesSent=False MailFailed -> Degraded
--   Ready=True (phase Running)                           -> Healthy
--   otherwise (Provisioning)                             -> Progressing

local hs = {}

local function condition(status, type)
  if status == nil or status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function text(value, default)
  if value == nil or value == "" then
    return default
  end
  return tostring(value)
end

local function result(status, message)
  hs.status = status
  hs.message = message
  return hs
end

local function check()
  local status = obj.status
  if status == nil or status.phase == nil then
    return result("Progressing", "Waiting for the operator to observe the VPS")
  end
  local phase = status.phase

  local blocked = condition(status, "DeletionBlocked")
  if blocked ~= nil and blocked.status == "True" then
    return result("Degraded", text(blocked.message, "Deletion blocked: set spec.termination first"))
  end

  local ready = condition(status, "Ready")
  if ready ~= nil and ready.status == "False" and ready.reason == "ReconcileError" then
    return result("Degraded", text(ready.message, "Reconcile failed"))
  end

  local generation = obj.metadata and obj.metadata.generation
  local observed = status.observedGeneration
  if generation ~= nil and (observed == nil or observed < generation) then
    return result("Progressing", "Waiting for the operator to observe generation "
      .. tostring(generation) .. " (observed " .. text(observed, "none") .. ")")
  end

  if phase == "Terminating" then
    return result("Progressing", "The contract ended: deleting the VM, disk, IPv4 and Secrets")
  end
  if phase == "Restoring" then
    return result("Progressing", "Stopped while a backup is restored onto its disk")
  end
  if phase == "Terminated" then
    local terminated = condition(status, "Terminated")
    return result("Degraded", text(terminated and terminated.message, "The contract ended")
      .. " Delete the OdooVps record (remove it from Git).")
  end

  local valid = condition(status, "SpecValid")
  if valid ~= nil and valid.status == "False" then
    return result("Degraded", text(valid.message, "The spec breaks a rule"))
  end
  if phase == "Invalid" then
    return result("Degraded", "The spec cannot be applied and nothing runs yet")
  end
  if phase == "Pending" then
    local ipv4 = condition(status, "IPv4Allocated")
    return result("Degraded", text(ipv4 and ipv4.message, "Waiting for an IPv4 address"))
  end

  if phase == "Suspended" then
    local suspended = condition(status, "Suspended")
    return result("Suspended", "Suspended: " .. text(suspended and suspended.message, "no reason given"))
  end
  if phase == "Isolated" then
    return result("Suspended", "Isolated: cut off from the Internet; provider access kept")
  end

  if status.availability ~= nil and status.availability.downSince ~= nil then
    return result("Degraded", "Down since " .. status.availability.downSince
      .. " (" .. text(ready and ready.message, "the VM is not ready") .. ")")
  end
  local plan = condition(status, "PlanChangeApplied")
  if plan ~= nil and plan.status == "False" and plan.reason == "DeadlineMissed" then
    return result("Degraded", text(plan.message, "The plan change missed its deadline"))
  end
  local codes = condition(status, "AccessCodesSent")
  if codes ~= nil and codes.status == "False" and codes.reason == "MailFailed" then
    return result("Degraded", "Access codes not sent: " .. text(codes.message, "the email failed"))
  end

  if ready ~= nil and ready.status == "True" then
    return result("Healthy", text(ready.message, "Running") .. (status.ipv4 and (" IPv4 " .. status.ipv4) or ""))
  end
  return result("Progressing", text(ready and ready.message, "Provisioning"))
end

return check()
