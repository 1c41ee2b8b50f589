-- Argo CD health check for odoovps.io/v1alpha1 MitigationState (port 25 and DDoS mitigation).
-- Install it in argocd-cm as resource.customizations.health.odoovps.io_MitigationState.
--   no status yet                                   -> Progressing
--   RequestsHonoured=False (a spec request refused) -> Degraded, with the rule in the message
--   status.observedGeneration < metadata.generation -> Progressing
--   DDoS mitigation active or port 25 blocked       -> Suspended (a contract measure holds)
--   otherwise                                       -> Healthy

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

local function check()
  local status = obj.status
  if status == nil then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to observe the mitigation state"
    return hs
  end
  local requests = condition(status, "RequestsHonoured")
  if requests ~= nil and requests.status == "False" then
    hs.status = "Degraded"
    hs.message = requests.message or "A request in spec is refused"
    return hs
  end
  local generation = obj.metadata and obj.metadata.generation
  if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
    return hs
  end
  local measures = {}
  if status.ddos ~= nil and status.ddos.active == true then
    table.insert(measures, "DDoS mitigation level " .. tostring(status.ddos.level or 1)
      .. " until at least " .. tostring(status.ddos.earliestEnd or "?"))
  end
  if status.smtp ~= nil and status.smtp.blocked == true then
    table.insert(measures, "port 25 blocked until " .. tostring(status.smtp.blockedUntil or "?"))
  end
  if #measures > 0 then
    hs.status = "Suspended"
    hs.message = table.concat(measures, "; ")
    return hs
  end
  hs.status = "Healthy"
  hs.message = "No mitigation in force"
  return hs
end

return check()
