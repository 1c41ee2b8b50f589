-- Argo CD health check for odoovps.io/v1alpha1 OdooVpsRestore.
-- Install it in argocd-cm as resource.customizations.health.odoovps.io_OdooVpsRestore.
--   no status yet                                    -> Progressing
--   phase Succeeded                                  -> Healthy
--   phase Rejected (no restore left, unknown backup) -> Degraded, the reason
--   phase Failed (the previous disk was put back)    -> Degraded, the reason
--   any other phase (Pending, Stopping, Restoring, RollingBack, Starting) -> Progressing

local hs = {}

local function check()
  local status = obj.status
  if status == nil or status.phase == nil then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to accept or refuse the restore"
    return hs
  end
  local message = status.message or status.phase
  if status.phase == "Succeeded" then
    hs.status = "Healthy"
  elseif status.phase == "Rejected" or status.phase == "Failed" then
    hs.status = "Degraded"
  else
    hs.status = "Progressing"
  end
  hs.message = message
  return hs
end

return check()
