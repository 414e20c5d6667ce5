//! Public services through the real server: facilities near me, utility
//! bills paid through the `utility-bills` plugin against the simulated
//! provider on a real socket, and emergency broadcasts reaching MQTT
//! subscribers, the shoppers' API and the event bus, and expiring on time.

mod bills;
mod broadcasts;
mod facilities;
