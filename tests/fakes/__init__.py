"""Local fakes of the services leadrules talks to (HubSpot, smoove, a webhook receiver), served
on 127.0.0.1 by uvicorn in a thread. They follow the documented contracts closely; no test
reaches a real host."""
