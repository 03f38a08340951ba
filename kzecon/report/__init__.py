"""Tables, figures and the policy brief; they take results and tidy frames, never estimate."""
