-- Argo CD health check for odoovps.io/v1alpha1 BackupPolicy.
-- Install it in argocd-cm as resource.customizations.health.odoovps.io_BackupPolicy.
--   no status yet                                    -> Progressing
--   status.observedGeneration < metadata.generation  -> Progressing
--   Ready=False (target not off-site, no credentials, bad schedule) -> Degraded, its message
--   BackupsSucceeding=False or BackupsCurrent=False  -> Degraded, the condition's message
--   Ready=True                                       -> Healthy, with covered and failing counts
--   otherwise                                        -> Progressing

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

local function result(status, message)
  hs.status = status
  hs.message = message
  return hs
end

local function check()
  local status = obj.status
  if status == nil then
    return result("Progressing", "Waiting for the operator to observe the policy")
  end
  local generation = obj.metadata and obj.metadata.generation
  if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
    return result("Progressing", "Waiting for the operator to observe generation " .. tostring(generation))
  end
  local ready = condition(status, "Ready")
  if ready ~= nil and ready.status == "False" then
    return result("Degraded", ready.message or "The policy cannot back up")
  end
  for _, type in ipairs({"BackupsSucceeding", "BackupsCurrent"}) do
    local c = condition(status, type)
    if c ~= nil and c.status == "False" then
      return result("Degraded", c.message or (type .. " is False"))
    end
  end
  if ready ~= nil and ready.status == "True" then
    return result("Healthy", "Backing up " .. tostring(status.covered or 0) .. " VPS(s), "
      .. tostring(status.failing or 0) .. " failing; last success " .. tostring(status.lastSuccess or "none yet"))
  end
  return result("Progressing", (ready and ready.message) or "Waiting for the first backups")
end

return check()
