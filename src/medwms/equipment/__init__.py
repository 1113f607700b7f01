"""The equipment register: sensors, cold rooms, fridges, cold boxes, vehicles and their checks."""
