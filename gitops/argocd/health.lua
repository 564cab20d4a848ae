-- Argo CD health check for cdc.twinlog.io/CdcPipeline (resource.customizations.health.cdc.twinlog.io_CdcPipeline).
--
-- Healthy      Ready=True, computed for the current spec (status.observedGeneration and the Ready
--              condition's observedGeneration both equal metadata.generation).
-- Progressing  the operator has not reported on this generation yet, or the pipeline is still
--              coming up (connectors not running yet, dedup pods starting).
-- Suspended    spec.state is paused or stopped.
-- Degraded     Ready=False and Stalled=True (a failure waiting does not fix); the message is the
--              Stalled condition's: "<Ready reason> (<cause reason>): <message>", the cause being
--              the SourcesHealthy/DedupReady/SinkReady condition behind it.
-- Tested by helm-chart's ArgoCdHealthLuaTest against statuses from the operator's StatusAggregator.

local hs = {}

local function condition(conditions, type)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(c)
  local text = c.reason or "Unknown"
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

local generation = obj.metadata.generation
local status = obj.status

if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report on the pipeline"
  return hs
end

if generation ~= nil and status.observedGeneration ~= generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile generation " .. tostring(generation)
  return hs
end

local ready = condition(status.conditions, "Ready")
if ready == nil or (generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration ~= generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition of generation " .. tostring(generation)
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end

if ready.status ~= "False" then
  hs.status = "Progressing"
  hs.message = describe(ready)
  return hs
end

if ready.reason == "Paused" or ready.reason == "Stopped" then
  hs.status = "Suspended"
  hs.message = describe(ready)
  return hs
end

-- Ready=False: the operator's Stalled and Reconciling conditions (the ones kstatus reads, so Flux
-- and Argo CD agree) tell failing from starting.
local stalled = condition(status.conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message or describe(ready)
  return hs
end

hs.status = "Progressing"
hs.message = describe(ready)
return hs
