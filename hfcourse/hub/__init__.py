"""The offline course hub: a local HF home holding stand-ins under the real repo ids."""
