-- wrk script: GET /api/v1/hazards/{id} of a random id in 1..HAZARD_MAX (env).
local max = tonumber(os.getenv("HAZARD_MAX") or "4000")
request = function()
  return wrk.format("GET", "/api/v1/hazards/" .. math.random(max))
end
