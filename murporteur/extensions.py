"""Unbound extensions, bound to the application in ``create_app``."""

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from murporteur.core.db import Base
from murporteur.core.i18n import Babel

db = SQLAlchemy(model_class=Base)
# The models' base class. A type checker cannot subclass an instance's attribute (`db.Model`),
# so it sees the declarative `Base` that `db.Model` is made from; at run time it is `db.Model`.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
