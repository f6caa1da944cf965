"""A person's own data (AVG/GDPR): what the core and every plugin hold about one
participant (hook ``cp_personal_data``), its export, its erasure, and retention."""
