-- Argo CD health check for odoovps.io/v1alpha1 SupportTicket.
-- Install it in argocd-cm as resource.customizations.health.odoovps.io_SupportTicket.
-- An open ticket is work for support staff, not a fault of the object: it is Healthy, unless the
-- helpdesk was never told of it.
--   no status yet                                   -> Progressing
--   VpsFound=False (the ticket names no VPS here)   -> Degraded
--   Forwarded=False (the helpdesk email or webhook failed) -> Degraded, its message
--   phase Open                                      -> Healthy, since when and minutes spent
--   phase Resolved                                  -> Healthy

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
  if status == nil or status.phase == nil then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to open the ticket"
    return hs
  end
  for _, type in ipairs({"VpsFound", "Forwarded"}) do
    local c = condition(status, type)
    if c ~= nil and c.status == "False" then
      hs.status = "Degraded"
      hs.message = c.message or (type .. " is False")
      return hs
    end
  end
  hs.status = "Healthy"
  if status.phase == "Open" then
    hs.message = "Open since " .. tostring(status.openedAt or "?") .. ", "
      .. tostring(status.minutesSpent or 0) .. " minute(s) spent"
  else
    hs.message = "Resolved at " .. tostring(status.resolvedAt or "?")
  end
  return hs
end

return check()
